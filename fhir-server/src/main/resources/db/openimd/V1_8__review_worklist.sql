-- The open transmission-review Tasks, one row each, in the order the triage worklist shows them (most
-- urgent rank first, then oldest): its first page is read from this index instead of HAPI sorting
-- every open Task across its search-index tables. The same DDL serves PostgreSQL and H2. The authored
-- time is kept as HAPI's date index keeps it (a timestamp without zone, written from a java.util.Date),
-- so that Tasks put here by the storage hook and by the fill from HAPI's index compare alike.
CREATE TABLE IF NOT EXISTS openimd_review_worklist (
    task_pid     BIGINT       NOT NULL PRIMARY KEY,
    task_id      VARCHAR(64)  NOT NULL,
    status       VARCHAR(32)  NOT NULL,
    triage_rank  INTEGER,
    authored     TIMESTAMP
);
CREATE INDEX IF NOT EXISTS openimd_review_worklist_order ON openimd_review_worklist (triage_rank, authored, task_pid);
CREATE INDEX IF NOT EXISTS openimd_review_worklist_task ON openimd_review_worklist (task_id);
