/* smqp-grammar.c
 * SMQP lines, words and values over byte slices.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-grammar.h"

#include <string.h>

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static uint8_t upper(uint8_t c)
{
    return (c >= 'a' && c <= 'z') ? (uint8_t)(c - 'a' + 'A') : c;
}

bool smqp_next_line(const uint8_t *buf, size_t buflen, size_t off, smqp_line *line)
{
    if (off >= buflen)
        return false;
    /* a line is looked for within SMQP_MAX_LINE bytes only, so a longer
     * one is overlong whether or not its end has arrived yet, and known to
     * be as soon as those bytes are there (the cut needs no byte after it) */
    size_t window = buflen - off > SMQP_MAX_LINE ? SMQP_MAX_LINE : buflen - off;
    const uint8_t *lf = memchr(buf + off, '\n', window);
    if (!lf)
        return false;
    size_t end = (size_t)(lf - buf);
    line->off = off;
    if (end > off && buf[end - 1] == '\r') {
        line->len = end - 1 - off;
        line->eol_len = 2;
    } else {
        line->len = end - off;
        line->eol_len = 1;
    }
    return true;
}

bool smqp_next_word(const uint8_t *buf, size_t end, size_t *pos, smqp_span *word)
{
    size_t p = *pos;
    while (p < end && is_blank(buf[p]))
        p++;
    if (p >= end) {
        *pos = p;
        return false;
    }
    size_t start = p;
    while (p < end && !is_blank(buf[p]))
        p++;
    word->off = start;
    word->len = p - start;
    *pos = p;
    return true;
}

smqp_span smqp_rest(const uint8_t *buf, size_t pos, size_t end)
{
    while (pos < end && is_blank(buf[pos]))
        pos++;
    while (end > pos && is_blank(buf[end - 1]))
        end--;
    smqp_span s = { pos, end - pos };
    return s;
}

bool smqp_span_eq(const uint8_t *buf, smqp_span s, const char *lit)
{
    size_t n = strlen(lit);
    if (n != s.len)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (upper(buf[s.off + i]) != upper((uint8_t)lit[i]))
            return false;
    }
    return true;
}

int smqp_match_alt(const uint8_t *buf, smqp_span s, const char *alts)
{
    if (!alts)
        return -1;
    int index = 0;
    const char *p = alts;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == s.len) {
            size_t i = 0;
            while (i < n && upper(buf[s.off + i]) == upper((uint8_t)p[i]))
                i++;
            if (i == n)
                return index;
        }
        if (!bar)
            return -1;
        p = bar + 1;
        index++;
    }
}

size_t smqp_find(const uint8_t *buf, smqp_span s, uint8_t c)
{
    if (s.len == 0)
        return s.off;
    const uint8_t *hit = memchr(buf + s.off, c, s.len);
    return hit ? (size_t)(hit - buf) : s.off + s.len;
}

/* ---- numbers --------------------------------------------------------- */

/* n digits at p as a number; false when any is not a digit. */
static bool digits(const uint8_t *p, size_t n, uint32_t *v)
{
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        acc = acc * 10 + (uint32_t)(p[i] - '0');
    }
    *v = acc;
    return true;
}

bool smqp_parse_uint(const uint8_t *buf, smqp_span s, uint32_t *v)
{
    if (s.len == 0 || s.len > 10)
        return false;
    uint64_t acc = 0;
    for (size_t i = 0; i < s.len; i++) {
        uint8_t c = buf[s.off + i];
        if (!is_digit(c))
            return false;
        acc = acc * 10 + (uint64_t)(c - '0');
    }
    if (acc > UINT32_MAX)
        return false;
    *v = (uint32_t)acc;
    return true;
}

bool smqp_parse_int(const uint8_t *buf, smqp_span s, int32_t *v)
{
    bool neg = s.len > 0 && (buf[s.off] == '-' || buf[s.off] == '+');
    bool minus = neg && buf[s.off] == '-';
    smqp_span d = { s.off + (neg ? 1 : 0), s.len - (neg ? 1 : 0) };
    uint32_t u;
    if (!smqp_parse_uint(buf, d, &u) || u > (uint32_t)INT32_MAX + (minus ? 1u : 0u))
        return false;
    *v = minus ? (int32_t)(0 - (int64_t)u) : (int32_t)u;
    return true;
}

int smqp_parse_yesno(const uint8_t *buf, smqp_span s)
{
    if (smqp_span_eq(buf, s, "YES"))
        return 1;
    if (smqp_span_eq(buf, s, "NO"))
        return 0;
    return -1;
}

/* ---- date-time and timeout ------------------------------------------- */

static bool leap(uint32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_date(uint32_t y, uint32_t m, uint32_t d)
{
    static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    uint32_t max = mdays[m - 1] + ((m == 2 && leap(y)) ? 1u : 0u);
    return d <= max;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

smqp_dt_result smqp_parse_datetime(const uint8_t *buf, smqp_span s, smqp_time *t)
{
    const uint8_t *p = buf + s.off;
    size_t n = s.len;
    /* D + 8 digits + T + 6 digits at least */
    if (n < 16 || upper(p[0]) != 'D' || upper(p[9]) != 'T')
        return SMQP_DT_INVALID;
    uint32_t a, b, c, hh, mi, ss;
    if (!digits(p + 1, 4, &a) || !digits(p + 5, 2, &b) || !digits(p + 7, 2, &c) ||
        !digits(p + 10, 2, &hh) || !digits(p + 12, 2, &mi) || !digits(p + 14, 2, &ss))
        return SMQP_DT_INVALID;
    uint32_t y, m, d;
    smqp_dt_result res = SMQP_DT_OK;
    if (valid_date(a, b, c)) {
        y = a; m = b; d = c;
    } else {
        /* draft -00 put the year last: its grammar says D<dd><mm><yyyy>,
         * its examples D<mm><dd><yyyy>; the values decide where they can */
        uint32_t f1, f2, yyyy;
        if (!digits(p + 1, 2, &f1) || !digits(p + 3, 2, &f2) || !digits(p + 5, 4, &yyyy))
            return SMQP_DT_INVALID;
        bool dmy = valid_date(yyyy, f2, f1), mdy = valid_date(yyyy, f1, f2);
        if (dmy) {
            y = yyyy; m = f2; d = f1;
            res = mdy && f1 != f2 ? SMQP_DT_LEGACY_AMBIGUOUS : SMQP_DT_LEGACY_DMY;
        } else if (mdy) {
            y = yyyy; m = f1; d = f2;
            res = SMQP_DT_LEGACY_MDY;
        } else {
            return SMQP_DT_INVALID;
        }
    }
    if (hh > 24 || mi > 59 || ss > 60)
        return SMQP_DT_INVALID;
    size_t i = 16;
    uint64_t frac = 0;
    unsigned fdigits = 0;
    while (i < n && is_digit(p[i])) {
        if (fdigits < 9) {
            frac = frac * 10 + (uint64_t)(p[i] - '0');
            fdigits++;
        }
        i++;
    }
    bool zone = false;
    if (i < n && upper(p[i]) == 'Z') {
        zone = true;
        i++;
    }
    if (i != n)
        return SMQP_DT_INVALID;
    while (fdigits < 9) {
        frac *= 10;
        fdigits++;
    }
    t->secs = days_from_civil(y, m, d) * 86400 + (int64_t)hh * 3600 + (int64_t)mi * 60 + ss;
    t->nsecs = (int32_t)frac;
    if (!zone && res == SMQP_DT_OK)
        res = SMQP_DT_NO_ZONE;
    return res;
}

smqp_timeout_result smqp_parse_timeout(const uint8_t *buf, smqp_span s, smqp_time *t)
{
    if (smqp_span_eq(buf, s, "INFINITE") || smqp_span_eq(buf, s, "INF")) {
        t->secs = 0;
        t->nsecs = 0;
        return SMQP_TIMEOUT_INFINITE;
    }
    uint32_t f[5];
    unsigned nf = 0;
    size_t i = s.off, end = s.off + s.len;
    if (s.len == 0)
        return SMQP_TIMEOUT_INVALID;
    for (;;) {
        size_t start = i;
        while (i < end && buf[i] != ':')
            i++;
        smqp_span field = { start, i - start };
        if (nf == 5 || !smqp_parse_uint(buf, field, &f[nf]))
            return SMQP_TIMEOUT_INVALID;
        nf++;
        if (i >= end)
            break;
        i++; /* the colon */
        if (i >= end)
            return SMQP_TIMEOUT_INVALID;
    }
    uint64_t days = 0, hh, mm, ss, ff = 0;
    switch (nf) {
    case 3: hh = f[0]; mm = f[1]; ss = f[2]; break;
    case 4: days = f[0]; hh = f[1]; mm = f[2]; ss = f[3]; break;
    case 5: days = f[0]; hh = f[1]; mm = f[2]; ss = f[3]; ff = f[4]; break;
    default: return SMQP_TIMEOUT_INVALID;
    }
    if (mm > 59 || ss > 59 || ff > 99 || (nf > 3 && hh > 24) || days > 100000 || hh > 2400000)
        return SMQP_TIMEOUT_INVALID;
    t->secs = (int64_t)(days * 86400 + hh * 3600 + mm * 60 + ss);
    t->nsecs = (int32_t)(ff * 10000000);
    return SMQP_TIMEOUT_VALUE;
}

/* ---- addresses and identifiers --------------------------------------- */

bool smqp_parse_address_port(const uint8_t *buf, smqp_span s, smqp_span *address, uint16_t *port)
{
    if (s.len == 0)
        return false;
    /* the port follows the last colon; a bare number is a port alone */
    size_t end = s.off + s.len;
    size_t colon = end;
    for (size_t i = s.off; i < end; i++) {
        if (buf[i] == ':')
            colon = i;
    }
    smqp_span ps = s;
    address->off = s.off;
    address->len = 0;
    if (colon < end) {
        ps.off = colon + 1;
        ps.len = end - colon - 1;
        address->len = colon - s.off;
        if (address->len >= 2 && buf[address->off] == '[' && buf[colon - 1] == ']') {
            address->off++;
            address->len -= 2;
        }
        if (address->len == 0)
            return false;
    }
    uint32_t v;
    if (!smqp_parse_uint(buf, ps, &v) || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

void smqp_split_account(const uint8_t *buf, smqp_span s, smqp_span *account, smqp_span *channel)
{
    size_t at = smqp_find(buf, s, '@');
    smqp_span user = { s.off, at - s.off };
    size_t sep = smqp_find(buf, user, ':');
    if (sep == user.off + user.len)
        sep = smqp_find(buf, user, '/');
    account->off = s.off;
    account->len = sep - s.off;
    if (sep < user.off + user.len) {
        channel->off = sep + 1;
        channel->len = user.off + user.len - sep - 1;
    } else {
        channel->off = at;
        channel->len = 0;
    }
}

/* host/uid[(date-time)] starting at s; fills host, uid and created. */
static bool parse_host_uid(const uint8_t *buf, smqp_span s, smqp_uid_parts *p)
{
    size_t slash = smqp_find(buf, s, '/');
    size_t end = s.off + s.len;
    if (slash == end || slash == s.off)
        return false;
    p->host.off = s.off;
    p->host.len = slash - s.off;
    smqp_span rest = { slash + 1, end - slash - 1 };
    size_t paren = smqp_find(buf, rest, '(');
    p->uid.off = rest.off;
    p->uid.len = paren - rest.off;
    p->created.off = paren;
    p->created.len = 0;
    if (paren < end) {
        if (buf[end - 1] != ')' || end - 1 <= paren + 1)
            return false;
        p->created.off = paren + 1;
        p->created.len = end - 1 - paren - 1;
    }
    return p->uid.len > 0;
}

bool smqp_parse_smuid(const uint8_t *buf, smqp_span s, smqp_uid_parts *p)
{
    memset(p, 0, sizeof *p);
    return parse_host_uid(buf, s, p);
}

bool smqp_parse_cmuid(const uint8_t *buf, smqp_span s, smqp_uid_parts *p)
{
    memset(p, 0, sizeof *p);
    size_t at = smqp_find(buf, s, '@');
    size_t end = s.off + s.len;
    if (at == end || at == s.off)
        return false;
    smqp_span user = { s.off, at - s.off };
    smqp_split_account(buf, user, &p->account, &p->channel);
    smqp_span hu = { at + 1, end - at - 1 };
    return parse_host_uid(buf, hu, p);
}

/* Appends part, without blanks around it, to out[*n, size); false when it
 * does not fit (one byte stays for the NUL). */
static bool key_append(const uint8_t *buf, smqp_span part, char *out, size_t size, size_t *n)
{
    smqp_span t = smqp_rest(buf, part.off, part.off + part.len);
    if (t.len >= size - *n)
        return false;
    memcpy(out + *n, buf + t.off, t.len);
    *n += t.len;
    return true;
}

static bool key_append_char(char c, char *out, size_t size, size_t *n)
{
    if (*n + 1 >= size)
        return false;
    out[(*n)++] = c;
    return true;
}

size_t smqp_uid_key(const uint8_t *buf, smqp_span s, smqp_uid_key_kind kind, char *out, size_t size)
{
    smqp_uid_parts p;
    size_t n = 0;
    if (size == 0)
        return 0;
    out[0] = '\0';
    bool ok;
    switch (kind) {
    case SMQP_KEY_SMUID:
        ok = smqp_parse_smuid(buf, s, &p) && key_append(buf, p.host, out, size, &n) &&
             key_append_char('/', out, size, &n) && key_append(buf, p.uid, out, size, &n);
        break;
    case SMQP_KEY_CMUID:
        ok = smqp_parse_cmuid(buf, s, &p) && key_append(buf, p.account, out, size, &n) &&
             (p.channel.len == 0 ||
              (key_append_char(':', out, size, &n) && key_append(buf, p.channel, out, size, &n))) &&
             key_append_char('@', out, size, &n) && key_append(buf, p.host, out, size, &n) &&
             key_append_char('/', out, size, &n) && key_append(buf, p.uid, out, size, &n);
        break;
    case SMQP_KEY_CLIENT_UID:
        /* a CMUID names it after its '/'; a PUBLISH line holds it bare */
        if (smqp_parse_cmuid(buf, s, &p))
            ok = key_append(buf, p.uid, out, size, &n);
        else
            ok = smqp_find(buf, s, '/') == s.off + s.len && smqp_find(buf, s, '@') == s.off + s.len &&
                 key_append(buf, s, out, size, &n);
        break;
    default:
        ok = false;
    }
    if (!ok || n == 0) {
        out[0] = '\0';
        return 0;
    }
    out[n] = '\0';
    return n;
}

bool smqp_parse_header_line(const uint8_t *buf, smqp_span line, smqp_span *name, smqp_span *value)
{
    size_t colon = smqp_find(buf, line, ':');
    size_t end = line.off + line.len;
    if (colon == end || colon == line.off)
        return false;
    /* a header name is one token: letters, digits and '-' */
    for (size_t i = line.off; i < colon; i++) {
        uint8_t c = buf[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_'))
            return false;
    }
    name->off = line.off;
    name->len = colon - line.off;
    *value = smqp_rest(buf, colon + 1, end);
    return true;
}

unsigned smqp_split_list(const uint8_t *buf, smqp_span s, smqp_item_fn fn, void *ctx, unsigned max)
{
    size_t i = s.off, end = s.off + s.len;
    if (s.len >= 2 && buf[s.off] == '(' && buf[end - 1] == ')') {
        i++;
        end--;
    }
    unsigned found = 0;
    while (i < end) {
        size_t start = i;
        bool quoted = false;
        while (i < end && (quoted || buf[i] != ',')) {
            if (buf[i] == '"')
                quoted = !quoted;
            i++;
        }
        smqp_span item = smqp_rest(buf, start, i);
        if (item.len >= 2 && buf[item.off] == '"' && buf[item.off + item.len - 1] == '"') {
            item.off++;
            item.len -= 2;
        }
        if (item.len > 0) {
            if (found < max)
                fn(ctx, item);
            found++;
        }
        i++; /* the comma */
    }
    return found;
}

/* ---- replies and banner ---------------------------------------------- */

bool smqp_parse_reply_line(const uint8_t *buf, smqp_line line, smqp_reply_line *r)
{
    uint32_t code;
    if (line.len < 3 || !digits(buf + line.off, 3, &code))
        return false;
    if (line.len > 3 && buf[line.off + 3] != ' ' && buf[line.off + 3] != '-')
        return false;
    r->code = (uint16_t)code;
    r->final = line.len == 3 || buf[line.off + 3] == ' ';
    r->text = smqp_rest(buf, line.off + (line.len > 3 ? 4 : 3), line.off + line.len);
    return true;
}

bool smqp_parse_banner(const uint8_t *buf, smqp_line line, smqp_span *version, smqp_span *status, smqp_span *ident)
{
    const uint8_t *p = buf + line.off;
    size_t n = line.len;
    if (n < 8 || memcmp(p, "SMQP/", 5) != 0 || !is_digit(p[5]))
        return false;
    size_t i = 5;
    while (i < n && is_digit(p[i]))
        i++;
    if (i >= n || p[i] != '.' || i + 1 >= n || !is_digit(p[i + 1]))
        return false;
    i++;
    while (i < n && is_digit(p[i]))
        i++;
    version->off = line.off + 5;
    version->len = i - 5;
    size_t end = line.off + line.len;
    /* status runs to the first '.', then the server identification */
    smqp_span after = smqp_rest(buf, line.off + i, end);
    size_t dot = smqp_find(buf, after, '.');
    status->off = after.off;
    status->len = dot - after.off;
    *ident = smqp_rest(buf, dot < end ? dot + 1 : end, end);
    return i == n || p[i] == ' ';
}
