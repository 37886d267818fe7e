package org.openimd.terminology;

import java.util.Optional;

/**
 * One IEEE 11073-10103 term: its reference ID ({@code MDC_IDC_DEV_TYPE}), its numeric context-free
 * code ({@code 720897}), the UCUM unit its values are sent in (absent for coded and text values)
 * and a plain-English description.
 */
public record IdcoTerm(String referenceId, String code, Optional<String> ucumUnit, String description) {}
