-- Spring Authorization Server's tables (its own DDL, with IF NOT EXISTS and room for inline JWKS),
-- plus OpenIMD's signing keys, client-assertion replay cache, users and launch contexts. ${binary} and ${instant} are filled
-- per database as SAS advises: blob and timestamp on H2, text and timestamptz on PostgreSQL.
CREATE TABLE IF NOT EXISTS oauth2_registered_client (
    id varchar(100) NOT NULL,
    client_id varchar(100) NOT NULL,
    client_id_issued_at ${instant} DEFAULT CURRENT_TIMESTAMP NOT NULL,
    client_secret varchar(200) DEFAULT NULL,
    client_secret_expires_at ${instant} DEFAULT NULL,
    client_name varchar(200) NOT NULL,
    client_authentication_methods varchar(1000) NOT NULL,
    authorization_grant_types varchar(1000) NOT NULL,
    redirect_uris varchar(1000) DEFAULT NULL,
    post_logout_redirect_uris varchar(1000) DEFAULT NULL,
    scopes varchar(4000) NOT NULL,
    client_settings varchar(20000) NOT NULL,
    token_settings varchar(2000) NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS oauth2_authorization (
    id varchar(100) NOT NULL,
    registered_client_id varchar(100) NOT NULL,
    principal_name varchar(200) NOT NULL,
    authorization_grant_type varchar(100) NOT NULL,
    authorized_scopes varchar(4000) DEFAULT NULL,
    attributes ${binary} DEFAULT NULL,
    state varchar(500) DEFAULT NULL,
    authorization_code_value ${binary} DEFAULT NULL,
    authorization_code_issued_at ${instant} DEFAULT NULL,
    authorization_code_expires_at ${instant} DEFAULT NULL,
    authorization_code_metadata ${binary} DEFAULT NULL,
    access_token_value ${binary} DEFAULT NULL,
    access_token_issued_at ${instant} DEFAULT NULL,
    access_token_expires_at ${instant} DEFAULT NULL,
    access_token_metadata ${binary} DEFAULT NULL,
    access_token_type varchar(100) DEFAULT NULL,
    access_token_scopes varchar(4000) DEFAULT NULL,
    oidc_id_token_value ${binary} DEFAULT NULL,
    oidc_id_token_issued_at ${instant} DEFAULT NULL,
    oidc_id_token_expires_at ${instant} DEFAULT NULL,
    oidc_id_token_metadata ${binary} DEFAULT NULL,
    refresh_token_value ${binary} DEFAULT NULL,
    refresh_token_issued_at ${instant} DEFAULT NULL,
    refresh_token_expires_at ${instant} DEFAULT NULL,
    refresh_token_metadata ${binary} DEFAULT NULL,
    user_code_value ${binary} DEFAULT NULL,
    user_code_issued_at ${instant} DEFAULT NULL,
    user_code_expires_at ${instant} DEFAULT NULL,
    user_code_metadata ${binary} DEFAULT NULL,
    device_code_value ${binary} DEFAULT NULL,
    device_code_issued_at ${instant} DEFAULT NULL,
    device_code_expires_at ${instant} DEFAULT NULL,
    device_code_metadata ${binary} DEFAULT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS oauth2_authorization_consent (
    registered_client_id varchar(100) NOT NULL,
    principal_name varchar(200) NOT NULL,
    authorities varchar(4000) NOT NULL,
    PRIMARY KEY (registered_client_id, principal_name)
);
CREATE TABLE IF NOT EXISTS openimd_signing_key (
    kid varchar(64) PRIMARY KEY,
    jwk varchar(8000) NOT NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE TABLE IF NOT EXISTS openimd_client_assertion (
    issuer varchar(100) NOT NULL,
    jti varchar(256) NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    PRIMARY KEY (issuer, jti)
);
CREATE TABLE IF NOT EXISTS openimd_user (
    username varchar(100) PRIMARY KEY,
    password_hash varchar(200) NOT NULL,
    totp_secret varchar(64) NOT NULL,
    role varchar(20) NOT NULL,
    fhir_user varchar(200),
    organization varchar(200),
    failed_attempts integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    last_totp_step bigint DEFAULT 0 NOT NULL
);
CREATE TABLE IF NOT EXISTS openimd_recovery_code (
    username varchar(100) NOT NULL,
    code_hash varchar(64) NOT NULL,
    used_at ${instant},
    PRIMARY KEY (username, code_hash)
);
CREATE TABLE IF NOT EXISTS openimd_launch (
    launch_id varchar(64) PRIMARY KEY,
    username varchar(100) NOT NULL,
    client_id varchar(100) NOT NULL,
    patient varchar(200) NOT NULL,
    encounter varchar(200),
    need_patient_banner boolean NOT NULL,
    expires_at timestamp with time zone NOT NULL
);
CREATE TABLE IF NOT EXISTS openimd_search_owner (
    search_uuid varchar(64) PRIMARY KEY,
    owner varchar(400) NOT NULL,
    created_at ${instant} NOT NULL
);
CREATE INDEX IF NOT EXISTS openimd_search_owner_created ON openimd_search_owner (created_at);
CREATE TABLE IF NOT EXISTS openimd_resource_owner (
    resource_id varchar(200) PRIMARY KEY,
    owner varchar(64) NOT NULL,
    claims varchar(8000) NOT NULL,
    authorization_id varchar(100),
    expires_at ${instant} NOT NULL,
    server_base varchar(400) NOT NULL
);
-- Failed sign-in steps by network address, for the throttle across accounts: in the database, so that
-- every node of a cluster counts every node's failures, and a restart forgets none.
CREATE TABLE IF NOT EXISTS openimd_signin_failure (
    address varchar(100) NOT NULL,
    failed_at ${instant} NOT NULL
);
CREATE INDEX IF NOT EXISTS openimd_signin_failure_address ON openimd_signin_failure (address, failed_at);
CREATE INDEX IF NOT EXISTS openimd_signin_failure_time ON openimd_signin_failure (failed_at);
