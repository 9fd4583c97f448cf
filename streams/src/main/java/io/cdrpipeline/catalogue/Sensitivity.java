package io.cdrpipeline.catalogue;

/** Privacy classes of what a topic or store holds, strictest first. */
public enum Sensitivity { SECRET, PII, PSEUDONYMOUS, ANONYMOUS, AUDIT }
