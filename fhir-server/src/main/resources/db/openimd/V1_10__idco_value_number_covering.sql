-- A threshold search (idco-value=722433$gt1000) reads every matching row's Observation id: with the
-- code system and the id in the index, it is read from the index alone, without a visit to each row.
CREATE INDEX IF NOT EXISTS openimd_idco_value_number_id ON openimd_idco_value (code, value_number, code_system, observation_id);
DROP INDEX IF EXISTS openimd_idco_value_number;
