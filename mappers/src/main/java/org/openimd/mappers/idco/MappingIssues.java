package org.openimd.mappers.idco;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The issues of a message as a person reads them: one per distinct issue, the same unknown code in
 * forty episodes being one issue that says where it was first seen and how often, in the order they
 * first appear.
 */
public final class MappingIssues {

	private MappingIssues() {}

	public static List<MappingIssue> grouped(List<MappingIssue> theIssues) {
		Map<String, List<MappingIssue>> alike = new LinkedHashMap<>();
		for (MappingIssue issue : theIssues) {
			alike.computeIfAbsent(issue.openImdCode() + "\n" + issue.text(), key -> new ArrayList<>()).add(issue);
		}
		return alike.values().stream().map(MappingIssues::summary).toList();
	}

	private static MappingIssue summary(List<MappingIssue> theSame) {
		MappingIssue first = theSame.get(0);
		return theSame.size() == 1 ? first
				: new MappingIssue(first.openImdCode(), first.location(), first.text() + " (" + theSame.size() + " times, first at " + first.location() + ")");
	}
}
