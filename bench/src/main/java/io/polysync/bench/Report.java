package io.polysync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The result table: one row per figure, with its target and verdict, plus free-form notes and context sections. */
public final class Report {

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** One figure. {@code key} selects its target in {@link Targets}; a null value means it could not be measured. */
    public record Row(String scenario, String metric, String key, double value, String unit, String detail) {
    }

    public synchronized void add(String scenario, String metric, String key, double value, String unit,
                                 String detail) {
        Row row = new Row(scenario, metric, key, value, unit, detail == null ? "" : detail);
        rows.add(row);
        System.out.println("  " + scenario + " | " + metric + " = " + number(value) + " " + unit
                + (row.detail().isEmpty() ? "" : "  (" + row.detail() + ")"));
    }

    public synchronized void note(String note) {
        notes.add(note);
        System.out.println("  note: " + note);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The Markdown table of every figure with its target and verdict. */
    public synchronized String table() {
        StringBuilder md = new StringBuilder();
        md.append("| Scenario | Figure | Value | Target | Verdict | Detail |\n");
        md.append("|---|---|---:|---|---|---|\n");
        for (Row row : rows) {
            Target target = row.key() == null ? null : Targets.of(row.key());
            md.append("| ").append(row.scenario()).append(" | ").append(row.metric()).append(" | ")
                    .append(number(row.value())).append(' ').append(row.unit()).append(" | ")
                    .append(target == null ? "—" : target.describe()).append(" | ")
                    .append(target == null ? "—" : target.verdict(row.value())).append(" | ")
                    .append(row.detail().replace("|", "/")).append(" |\n");
        }
        return md.toString();
    }

    public synchronized String notes() {
        StringBuilder md = new StringBuilder();
        notes.forEach(n -> md.append("- ").append(n).append('\n'));
        return md.toString();
    }

    public void write(Path file, String header, String footer) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, header + "\n## Results\n\n" + table() + "\n## Notes\n\n" + notes() + "\n"
                    + footer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Three significant figures at most, no exponent: 0.0123, 12.3, 1234. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
