package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.dispatcher.definition.TaskDefinitions;
import io.polysync.dispatcher.ledger.RunAdmission;
import io.polysync.dispatcher.ledger.RunJournal;
import io.polysync.dispatcher.ledger.RunRows;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.metrics.ProfileWaits;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who may run now: the task's max concurrent runs and a permit of every linked contention profile, all or nothing
 * ({@link AdmissionDecision}). The decision is made under row locks on the task and on each profile (in name order)
 * in the caller's transaction, and permits are rows, so limits hold across replicas and restarts. A run that may not
 * go stays QUEUED with its reason; {@link WaitingRuns} re-checks it when permits free and on a timer.
 */
@Component
public class AdmissionController implements RunAdmission {

    private static final Logger log = LoggerFactory.getLogger(AdmissionController.class);

    private final BandDispatch dispatch;
    private final AdmissionGates gates;
    private final RunJournal journal;
    private final DispatcherProperties properties;
    private final ApplicationEventPublisher events;
    private final ProfileWaits profileWaits;
    private final RunRows ledger;
    private final TaskDefinitions definitions;
    private final Clock clock;

    AdmissionController(BandDispatch dispatch, AdmissionGates gates, RunJournal journal,
                        DispatcherProperties properties, ApplicationEventPublisher events, ProfileWaits profileWaits,
                        RunRows ledger, TaskDefinitions definitions, Clock clock) {
        this.dispatch = dispatch;
        this.gates = gates;
        this.journal = journal;
        this.properties = properties;
        this.events = events;
        this.profileWaits = profileWaits;
        this.ledger = ledger;
        this.definitions = definitions;
        this.clock = clock;
    }

    /** Task rows in id order, before any profile row: the lock order every admission keeps. */
    @Override
    public void queuing(Collection<UUID> taskIds) {
        gates.lockTasks(taskIds);
    }

    @Override
    public void queued(TaskRun run, TaskSnapshot task) {
        admitOrWait(run, task, true);
    }

    @Override
    public void finished(Collection<TaskRun> runs) {
        if (runs.isEmpty()) {
            return;
        }
        List<UUID> mayHold = runs.stream().filter(this::mayHoldPermits).map(TaskRun::runId).toList();
        int released = mayHold.isEmpty() ? 0 : gates.release(mayHold);
        for (TaskRun run : runs) {
            log.debug("run {} finished {}", run.runId(), run.state());
            events.publishEvent(new PermitsReleased(run.runId()));
        }
        log.debug("{} finished runs released {} profile permits", runs.size(), released);
    }

    /**
     * Whether the run may hold profile permits: it can only have taken them for the profiles of the definition version
     * it was admitted with. A poll of reports whose finished runs link no profile then skips the release statement, a
     * round trip of its own. When this replica does not have that version in memory, the run may hold some.
     */
    private boolean mayHoldPermits(TaskRun run) {
        return definitions.inMemory(run.taskId(), run.definitionVersion())
                .map(task -> !profileNames(task).isEmpty()).orElse(true);
    }

    /** Keeps the newest limits of the profiles a task snapshot carries, as soon as the snapshot arrives. */
    @Transactional
    public void profilesSeen(List<ContentionProfileSnapshot> profiles) {
        gates.recordLimits(profiles);
    }

    /**
     * Admits the QUEUED, not yet admitted {@code run} (locked by the caller) if every gate is open, else records why
     * it waits. Runs in the caller's transaction.
     *
     * @param newcomer the run has just been queued: it also waits while an open gate's slot is owed to a run already
     *                 waiting for it that goes first ({@link WaitingOrder}). {@link WaitingRuns} passes false: it
     *                 takes the waiting runs in that order itself.
     * @return whether it was admitted
     */
    boolean admitOrWait(TaskRun run, TaskSnapshot task, boolean newcomer) {
        List<String> profileNames = profileNames(task);
        if (task.maxConcurrentRuns() != null || !profileNames.isEmpty()) {
            // the gates count and order runs with SQL of their own: the runs this transaction queued before this one
            // (earlier triggers of its poll) must be in the table before they look. This run need not be: it is not
            // admitted yet, and the gates leave it out of the runs waiting before it.
            ledger.writeNew();
        }
        gates.recordLimits(task.profiles());
        gates.lockTask(run.taskId());
        List<AdmissionGates.LockedProfile> locked = new ArrayList<>(profileNames.size());
        for (String name : profileNames) {
            locked.add(gates.lockProfile(name));
        }
        // Read once the locks are held: a release by another transaction that this one waited for committed before
        // this instant, so the ledger never shows an admission before the finish that made room for it. The ledger
        // keeps microseconds, and admitted_at and the rate window's stamps must be the same instant.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int taskInUse = task.maxConcurrentRuns() == null ? 0 : gates.taskInUse(run.taskId());
        List<AdmissionDecision.ProfileState> profiles = new ArrayList<>(locked.size());
        for (AdmissionGates.LockedProfile profile : locked) {
            profiles.add(gates.state(profile, now));
        }
        AdmissionDecision.Outcome outcome = AdmissionDecision.decide(task.maxConcurrentRuns(), taskInUse, profiles,
                now);
        if (newcomer && outcome instanceof AdmissionDecision.Outcome.Admit) {
            // a slot that has just freed is owed to the runs already waiting for it, which the pass after the
            // release commit has not reached yet; the gates' locks are held, so no admission races this check
            outcome = owedToWaiting(run, task, profiles, now);
        }
        if (outcome instanceof AdmissionDecision.Outcome.Wait wait) {
            String before = run.waitingReason();
            journal.waiting(run, wait.reason(), wait.profile(), now);
            if (wait.profile() != null && (before == null || !before.startsWith("profile " + wait.profile() + ":"))) {
                profileWaits.waited(wait.profile());
            }
            log.debug("run {} of task {} waits: {}", run.runId(), run.taskName(), wait.reason());
            return false;
        }
        gates.take(run.runId(), profiles, now);
        int effective = WaitingOrder.effectivePriority(run.priority(), run.queuedAt(), now,
                properties.ageingPerMinute());
        dispatch.dispatch(run, task, effective, now);
        return true;
    }

    /** Wait when a run already waiting for one of the run's gates goes before it; otherwise admit. */
    private AdmissionDecision.Outcome owedToWaiting(TaskRun run, TaskSnapshot task,
                                                    List<AdmissionDecision.ProfileState> profiles, Instant now) {
        WaitingOrder.Waiting self = new WaitingOrder.Waiting(run.runId(), run.priority(), run.queuedAt());
        if (task.maxConcurrentRuns() != null && goesFirst(gates.waitingForTask(run.taskId(), run.runId()), self, now)) {
            return new AdmissionDecision.Outcome.Wait("max concurrent runs " + task.maxConcurrentRuns()
                    + ": runs waiting before it go first");
        }
        for (AdmissionDecision.ProfileState profile : profiles) {
            if (goesFirst(gates.waitingForProfile(profile.name(), run.runId()), self, now)) {
                return new AdmissionDecision.Outcome.Wait("profile " + profile.name()
                        + ": runs waiting before it go first", profile.name());
            }
        }
        return new AdmissionDecision.Outcome.Admit();
    }

    private boolean goesFirst(List<WaitingOrder.Waiting> waiting, WaitingOrder.Waiting self, Instant now) {
        return waiting.stream().anyMatch(w -> WaitingOrder.goesBefore(w, self, now, properties.ageingPerMinute()));
    }

    /** The linked profiles in lock order: names sorted, each once. */
    private static List<String> profileNames(TaskSnapshot task) {
        TreeSet<String> names = new TreeSet<>();
        task.contentionProfiles().stream().filter(Objects::nonNull).forEach(names::add);
        task.profiles().stream().filter(Objects::nonNull).map(ContentionProfileSnapshot::name)
                .filter(Objects::nonNull).forEach(names::add);
        return List.copyOf(names);
    }
}
