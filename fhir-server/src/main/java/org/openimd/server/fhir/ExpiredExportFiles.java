package org.openimd.server.fhir;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.BulkExportJobResults;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.Batch2JobDefinitionConstants;
import ca.uhn.fhir.util.JsonUtil;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Deletes the files of Bulk Data exports that ended more than {@link #KEPT} ago, each file in a
 * transaction of its own, then the job. HAPI's own purge deletes all of a job's files in one
 * transaction, whose session keeps every file it read until the commit: on the export benchmark's
 * clinic (10,000 patients; two jobs of 206 files, 2.5 GB) it ran the server out of memory after about 60 files,
 * every hour, and deleted nothing. Its retention is therefore set out of reach ({@link #HAPI_RETENTION_HOURS}).
 * A job that failed is left, as HAPI leaves it, for someone to look into.
 */
class ExpiredExportFiles {

	/** HAPI's default, which the documentation promises clients. */
	static final Duration KEPT = Duration.ofHours(2);
	/** Project decision: how often, on one node of a cluster, and for how long at most before the next run goes on. */
	static final Duration PURGED_EVERY = Duration.ofHours(1);
	static final Duration LONGEST_RUN = Duration.ofMinutes(30);
	/** A hundred years: HAPI's purge then never finds an export old enough. */
	static final int HAPI_RETENTION_HOURS = 100 * 365 * 24;

	private static final Logger ourLog = LoggerFactory.getLogger(ExpiredExportFiles.class);
	private static final Set<StatusEnum> ENDED_WELL = Set.of(StatusEnum.COMPLETED, StatusEnum.CANCELLED);
	private static final int JOBS_AT_A_TIME = 20;

	private final IJobPersistence myJobs;
	private final IFhirResourceDao<Binary> myFiles;
	private final TransactionOperations myTransactions;
	private final Clock myClock;

	ExpiredExportFiles(IJobPersistence theJobs, IFhirResourceDao<Binary> theFiles, TransactionOperations theTransactions, Clock theClock) {
		myJobs = theJobs;
		myFiles = theFiles;
		myTransactions = theTransactions;
		myClock = theClock;
	}

	void purge() {
		Instant now = myClock.instant();
		purgeEndedBefore(now.minus(KEPT), now.plus(LONGEST_RUN));
	}

	/**
	 * Deletes the files, then the job, of each export ended before {@code theCutoff}, until none is left
	 * or {@code theDeadline}. A job with a file that cannot be deleted is kept, and named in the log.
	 */
	int purgeEndedBefore(Instant theCutoff, Instant theDeadline) {
		int files = 0;
		Set<String> kept = new HashSet<>();
		while (true) {
			List<JobInstance> expired = myJobs.fetchInstances(Batch2JobDefinitionConstants.BULK_EXPORT, ENDED_WELL, Date.from(theCutoff),
					PageRequest.of(0, JOBS_AT_A_TIME + kept.size())).stream().filter(job -> !kept.contains(job.getInstanceId())).toList();
			if (expired.isEmpty()) {
				break;
			}
			for (JobInstance job : expired) {
				try {
					for (String file : filesOf(job)) {
						if (myClock.instant().isAfter(theDeadline)) {
							ourLog.info("Deleted {} expired export files; the rest at the next run", files);
							return files;
						}
						myTransactions.executeWithoutResult(status -> myFiles.delete(new IdType(file).toUnqualifiedVersionless(), new SystemRequestDetails()));
						files++;
					}
					myJobs.deleteInstanceAndChunks(job.getInstanceId());
				} catch (RuntimeException e) {
					ourLog.error("The files of export {} could not all be deleted; the job is kept", job.getInstanceId(), e);
					kept.add(job.getInstanceId());
				}
			}
		}
		if (files > 0) {
			ourLog.info("Deleted {} expired export files", files);
		}
		return files;
	}

	/** The files a job's report names; none when it names none (a job cancelled before it wrote any). */
	private static List<String> filesOf(JobInstance theJob) {
		if (theJob.getReport() == null || theJob.getReport().isBlank()) {
			return List.of();
		}
		Map<String, List<String>> byType = JsonUtil.deserialize(theJob.getReport(), BulkExportJobResults.class).getResourceTypeToBinaryIds();
		return byType == null ? List.of() : byType.values().stream().flatMap(List::stream).toList();
	}
}
