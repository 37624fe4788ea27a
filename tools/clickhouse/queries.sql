-- 1. Commands and failed replies per topic. A reply is matched to its
--    command by the connection (reversed) and the command's time, which
--    is the reply's time minus smqp.time (both to the microsecond).
SELECT c.topic AS topic, c.command AS command, count() AS commands, sum(r.failed) AS failed
FROM (
    SELECT topic, command,
           concat(ip_src, ipv6_src, ':', toString(src_port), '>', ip_dst, ipv6_dst, ':', toString(dst_port),
                  '@', toString(round(time * 1000000))) AS k
    FROM smqp_rows WHERE command != '' AND position(command, ',') = 0 AND topic != '' AND position(topic, ',') = 0
) AS c
ANY LEFT JOIN (
    SELECT toUInt64(toUInt16OrZero(reply_status) >= 400) AS failed,
           concat(ip_dst, ipv6_dst, ':', toString(dst_port), '>', ip_src, ipv6_src, ':', toString(src_port),
                  '@', toString(round((time - toFloat64OrZero(response_time)) * 1000000))) AS k
    FROM smqp_rows WHERE reply_status != '' AND position(reply_status, ',') = 0
) AS r USING k
GROUP BY topic, command
ORDER BY topic, command;

-- 2. Response-time percentiles per command (seconds).
SELECT reply_command AS command, count() AS replies,
       round(quantileExact(0.5)(toFloat64OrZero(response_time)), 6) AS p50,
       round(quantileExact(0.9)(toFloat64OrZero(response_time)), 6) AS p90,
       round(quantileExact(0.99)(toFloat64OrZero(response_time)), 6) AS p99,
       round(max(toFloat64OrZero(response_time)), 6) AS max
FROM smqp_rows
WHERE response_time != '' AND position(response_time, ',') = 0 AND reply_command != ''
GROUP BY command
ORDER BY command;

-- 3. PUBLISH -> NOTIFY delivery delay per topic: the NOTIFY's Smuid joined
--    with the SMUID of the PUBLISH's acknowledgement, across clients and
--    shards; the PUBLISH was sent smqp.time before its acknowledgement.
SELECT n.topic AS topic, count() AS deliveries,
       round(min(n.time - p.published), 6) AS min_delay,
       round(avg(n.time - p.published), 6) AS avg_delay,
       round(max(n.time - p.published), 6) AS max_delay
FROM (
    SELECT smuid, topic, time FROM smqp_rows
    WHERE command = 'NOTIFY' AND smuid != '' AND position(smuid, ',') = 0
) AS n
ANY INNER JOIN (
    SELECT smuid, time - toFloat64OrZero(response_time) AS published FROM smqp_rows
    WHERE reply_command = 'PUBLISH MESSAGE' AND smuid != '' AND position(smuid, ',') = 0
) AS p USING smuid
GROUP BY topic
ORDER BY topic;
