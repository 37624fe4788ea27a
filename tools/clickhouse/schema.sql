-- The rows of tools/smqp-shard-decode, one per frame carrying SMQP, in the
-- order of "smqp-shard-decode --columns". A frame with several PDUs holds
-- their values comma-separated; the queries take single-PDU values.
-- Written for the ClickHouse of Debian (18.16) and later.
CREATE TABLE IF NOT EXISTS smqp_rows (
    time Float64,                   -- frame.time_epoch
    ip_src String,
    ipv6_src String,
    src_port UInt16,
    ip_dst String,
    ipv6_dst String,
    dst_port UInt16,
    from_server String,             -- smqp.from_server (1: the SMQP server sent it)
    command String,                 -- smqp.command (verb)
    resource String,
    topic String,
    change String,
    reply_status String,            -- smqp.reply.status: one per reply
    reply_command String,           -- the command the reply answers
    response_time String,           -- smqp.time, seconds
    cmuid String,
    smuid String,
    dslab_command String,
    dslab_routing_key String,
    dslab_reply_status String
) ENGINE = MergeTree() ORDER BY time
