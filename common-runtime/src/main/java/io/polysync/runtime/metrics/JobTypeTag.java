package io.polysync.runtime.metrics;

import io.polysync.model.jobtype.JobTypeCatalog;

import java.util.List;

/** The {@code job_type} tag: the built-in job types, anything else as {@code other}, so the tag stays bounded. */
public final class JobTypeTag {

    public static final String KEY = "job_type";
    public static final String OTHER = "other";
    /** The values registered at zero on start-up. */
    public static final List<String> KNOWN = List.of(JobTypeCatalog.NOOP, JobTypeCatalog.HTTP_REQUEST,
            JobTypeCatalog.SHELL_COMMAND, JobTypeCatalog.SQL_QUERY, JobTypeCatalog.KAFKA_PUBLISH);

    private JobTypeTag() {
    }

    public static String of(String jobType) {
        return jobType != null && KNOWN.contains(jobType) ? jobType : OTHER;
    }
}
