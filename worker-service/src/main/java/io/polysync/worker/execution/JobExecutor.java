package io.polysync.worker.execution;

/**
 * Runs one Job Type. Every bean implementing it is an executor; the worker refuses to start with two executors for
 * one type, or without an executor for a type of the catalog.
 *
 * <p>Guarantees to an implementation:
 * <ul>
 *   <li>{@link #execute} is called once per attempt of a run, on a thread of its own, with the run's start already
 *       reported; several runs (of one type or not) execute concurrently, so an executor keeps no per-run state.</li>
 *   <li>It may be called again for the same run and attempt after a worker crashed or lost its partition before
 *       reporting the outcome: a job with side effects should tolerate being repeated.</li>
 * </ul>
 *
 * <p>Obligations of an implementation:
 * <ul>
 *   <li>It honours interruption promptly (the execution timeout interrupts the thread): it stops its work, releases
 *       what it holds (processes included) and throws {@link InterruptedException} or returns.</li>
 *   <li>A failure it understands is a {@link JobResult#failure} saying whether a retry may help; any exception it
 *       throws instead fails the run as retryable {@code EXECUTION_FAILED}, and an
 *       {@link InvalidParametersException} as non-retryable {@code INVALID_PARAMETERS}.</li>
 *   <li>Outputs are JSON values (strings, numbers, booleans, lists, maps).</li>
 * </ul>
 */
public interface JobExecutor {

    /** The Job Type this executor runs, as named in the catalog (for example {@code http.request}). */
    String jobType();

    JobResult execute(JobContext context) throws Exception;
}
