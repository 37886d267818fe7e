-- Each subscription's events, numbered in the database so that every node counts the same: the count and
-- when the subscriber last heard from us (heartbeats), and the recent events, which $events answers.
CREATE TABLE IF NOT EXISTS openimd_subscription_state (
    subscription_id varchar(200) PRIMARY KEY,
    events bigint NOT NULL,
    last_sent ${instant} NOT NULL
);
CREATE TABLE IF NOT EXISTS openimd_subscription_event (
    subscription_id varchar(200) NOT NULL,
    event_number bigint NOT NULL,
    focus varchar(200) NOT NULL,
    occurred ${instant} NOT NULL,
    PRIMARY KEY (subscription_id, event_number)
);
CREATE INDEX IF NOT EXISTS openimd_subscription_event_occurred ON openimd_subscription_event (occurred);
