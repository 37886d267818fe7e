package org.openimd.mappers.idco;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.mappers.hl7v2.MshHeader;

/**
 * What one IDCO message becomes: a FHIR transaction that stores it (or finds what an earlier copy
 * stored), the warnings met on the way and the header the message was filed under.
 */
public record IdcoMapping(MshHeader header, Bundle transaction, List<MappingIssue> issues) {}
