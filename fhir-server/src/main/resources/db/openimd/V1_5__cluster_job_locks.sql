-- ShedLock's lock rows (see ClusterJobs). Plain timestamps: ShedLock writes the database's own UTC time.
create table if not exists openimd_job_lock (
	name varchar(64) not null primary key,
	lock_until timestamp not null,
	locked_at timestamp not null,
	locked_by varchar(255) not null
);
