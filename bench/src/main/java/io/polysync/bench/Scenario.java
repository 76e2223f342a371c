package io.polysync.bench;

/**
 * One measurement. A scenario creates its own tasks (names prefixed by its own prefix, so the ledger can be read per
 * scenario), bounds every wait, and adds its figures to the report; it leaves no run unfinished when it can avoid it.
 */
public interface Scenario {

    String name();

    void run(Context context) throws Exception;
}
