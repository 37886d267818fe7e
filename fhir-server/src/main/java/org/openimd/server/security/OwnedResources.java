package org.openimd.server.security;

import java.util.Set;

/**
 * What a feature declares to the gate: a resource type that belongs to whoever created it, not to a
 * patient (a Subscription). Only its owner, the person (or system) and app that created it, reads,
 * changes or deletes one, besides administrators; and what it does later on its owner's behalf reaches
 * only what the owner may read at that moment ({@link StandingAccess}).
 */
public interface OwnedResources {

	String resourceType();

	/** The operations on one such resource ({@code $status}) its owner may call; each reads the resource as the caller. */
	Set<String> instanceOperations();
}
