package dev.locksmith.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records what clients did (invoke, ok, fail, with {@link System#nanoTime()} and tokens) and
 * checks the fenced-mutex properties on it. Thread-safe for recording; check after the run.
 *
 * <p>A grant is recorded from the moment the acquire returned ({@link #granted}) to the moment
 * its holder started to release it ({@link #releasing}), so its interval lies inside the real
 * hold and overlapping intervals mean two holders at once.
 */
public final class History {

    /** An empty history. */
    public History() {}

    /** What happened. */
    public enum Type {
        INVOKE,
        OK,
        FAIL
    }

    /**
     * One event.
     *
     * @param time {@link System#nanoTime()} when recorded
     * @param process who did it (a thread or process id)
     * @param op the operation, such as {@code acquire}, {@code release} or {@code write}
     * @param name the lock name
     * @param type invoke, ok or fail
     * @param token the fencing token involved, or -1
     */
    public record Event(long time, String process, String op, String name, Type type, long token) {}

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    public void record(String process, String op, String name, Type type, long token) {
        events.add(new Event(System.nanoTime(), process, op, name, type, token));
    }

    /** The acquire of {@code name} by {@code process} returned a grant with {@code token}. */
    public void granted(String process, String name, long token) {
        record(process, "acquire", name, Type.OK, token);
    }

    /** The holder of {@code token} is about to release it. */
    public void releasing(String process, String name, long token) {
        record(process, "release", name, Type.INVOKE, token);
    }

    /** A guarded write was acknowledged. */
    public void writeAcknowledged(String process, String name, long token) {
        record(process, "write", name, Type.OK, token);
    }

    public List<Event> events() {
        List<Event> out = new ArrayList<>(events);
        out.sort(Comparator.comparingLong(Event::time));
        return out;
    }

    /** Problems found: tokens that do not strictly increase in grant order, per name. */
    public List<String> tokenOrderViolations() {
        List<String> problems = new ArrayList<>();
        Map<String, Long> last = new HashMap<>();
        for (Event e : events()) {
            if (e.op().equals("acquire") && e.type() == Type.OK) {
                Long prev = last.put(e.name(), e.token());
                if (prev != null && e.token() <= prev) {
                    problems.add("'" + e.name() + "': token " + e.token() + " granted after " + prev);
                }
            }
        }
        return problems;
    }

    /** Problems found: grants of one name whose hold intervals overlap. */
    public List<String> overlaps() {
        List<String> problems = new ArrayList<>();
        Map<String, Event> open = new HashMap<>();
        for (Event e : events()) {
            if (e.op().equals("acquire") && e.type() == Type.OK) {
                Event holder = open.put(e.name(), e);
                if (holder != null) {
                    problems.add("'" + e.name() + "': token " + e.token() + " granted to " + e.process()
                            + " while token " + holder.token() + " of " + holder.process() + " was held");
                }
            } else if (e.op().equals("release") && e.type() == Type.INVOKE) {
                Event holder = open.get(e.name());
                if (holder != null && holder.token() == e.token()) {
                    open.remove(e.name());
                }
            }
        }
        return problems;
    }

    /** Number of acknowledged guarded writes of {@code name}. */
    public long acknowledgedWrites(String name) {
        return events.stream()
                .filter(e -> e.op().equals("write")
                        && e.type() == Type.OK
                        && e.name().equals(name))
                .count();
    }

    /** Every problem: token order and overlaps. Empty for a healthy run. */
    public List<String> check() {
        List<String> all = new ArrayList<>(tokenOrderViolations());
        all.addAll(overlaps());
        return all;
    }
}
