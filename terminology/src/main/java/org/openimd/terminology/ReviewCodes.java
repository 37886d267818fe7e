package org.openimd.terminology;

/** The codes of OpenIMD's review workflow, in {@link OpenImdUris#REVIEW_SYSTEM} (ig: CodeSystem-review). */
public final class ReviewCodes {

	public static final String REVIEW_GROUP = "review-group";
	public static final String DATA_SET_REVIEW = "data-set-review";
	public static final String REVIEW_ASSIGNMENT = "review-assignment";
	public static final String INTERROGATION = "interrogation";
	public static final String DATA_SET = "data-set";
	public static final String QUESTION = "question";
	public static final String ANALYSIS = "analysis";
	public static final String AGREEMENT = "agreement";
	public static final String AGREED = "agreed";
	public static final String DISAGREED = "disagreed";
	public static final String SINGLE_ANALYSIS = "single-analysis";
	public static final String ASSIGN_TO_MEMBER = "member";
	public static final String ASSIGN_TO_GROUP = "group";
	public static final String REVIEW_REQUESTED = "review-requested";
	public static final String ANALYSIS_RECEIVED = "analysis-received";
	public static final String REVIEW_WITHDRAWN = "review-withdrawn";
	public static final String SIMILAR_CASE = "similar-case";

	private ReviewCodes() {}
}
