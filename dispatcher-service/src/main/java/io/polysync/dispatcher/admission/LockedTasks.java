package io.polysync.dispatcher.admission;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** The task rows the current transaction has locked; forgotten when it ends, and set aside while it is suspended. */
final class LockedTasks implements TransactionSynchronization {

    private final Object key;
    private final Set<UUID> tasks = new HashSet<>();

    private LockedTasks(Object key) {
        this.key = key;
    }

    /**
     * Whether {@code taskId} is not yet locked by the current transaction, remembering it as locked from now on.
     * Outside a transaction every call is a first one.
     */
    static boolean firstLockInTransaction(Object key, UUID taskId) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return true;
        }
        LockedTasks locked = (LockedTasks) TransactionSynchronizationManager.getResource(key);
        if (locked == null) {
            locked = new LockedTasks(key);
            TransactionSynchronizationManager.bindResource(key, locked);
            TransactionSynchronizationManager.registerSynchronization(locked);
        }
        return locked.tasks.add(taskId);
    }

    @Override
    public void suspend() {
        TransactionSynchronizationManager.unbindResource(key);
    }

    @Override
    public void resume() {
        TransactionSynchronizationManager.bindResource(key, this);
    }

    @Override
    public void afterCompletion(int status) {
        TransactionSynchronizationManager.unbindResourceIfPossible(key);
    }
}
