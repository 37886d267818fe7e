-- One row per value of an IdcoObservation component, so that a search can match a data point's code
-- and its value on the same component. The same DDL serves PostgreSQL and H2.
CREATE TABLE IF NOT EXISTS openimd_idco_value (
    observation_id     VARCHAR(64)    NOT NULL,
    patient_id         VARCHAR(64),
    code_system        VARCHAR(255)   NOT NULL,
    code               VARCHAR(255)   NOT NULL,
    instance           INTEGER,
    value_number       DECIMAL(38, 12),
    value_unit         VARCHAR(64),
    value_code_system  VARCHAR(255),
    value_code         VARCHAR(255)
);
CREATE INDEX IF NOT EXISTS openimd_idco_value_number ON openimd_idco_value (code, value_number);
CREATE INDEX IF NOT EXISTS openimd_idco_value_code ON openimd_idco_value (code, value_code);
CREATE INDEX IF NOT EXISTS openimd_idco_value_observation ON openimd_idco_value (observation_id);
