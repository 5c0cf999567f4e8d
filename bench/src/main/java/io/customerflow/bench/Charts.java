package io.customerflow.bench;

import static io.customerflow.bench.Bench.f;

import java.util.List;

/** The bench's two plots as plain SVG: latency against the offered rate, and the burst's drain curves. */
final class Charts {

    private static final int W = 640;
    private static final int H = 400;
    private static final int PAD = 60;
    private static final String[] COLORS = { "#1f77b4", "#ff7f0e", "#2ca02c" };

    private Charts() {
    }

    /**
     * p50 (solid) and p99 (dashed) of each sink against the offered rate, on a logarithmic time axis: a sink that
     * keeps up answers in milliseconds, one that falls behind in tens of seconds, and both should stay readable.
     */
    static String latency(List<Report.LatencyRow> rows) {
        double maxRate = rows.stream().mapToInt(Report.LatencyRow::rate).max().orElse(1);
        double maxMs = 10;
        for (Report.LatencyRow r : rows) {
            for (Stats s : List.of(r.store(), r.shopify(), r.klaviyo())) {
                maxMs = Math.max(maxMs, s.percentileMs(0.99));
            }
        }
        int decades = (int) Math.ceil(Math.log10(maxMs));
        StringBuilder out = frame("End-to-end latency vs offered rate", "offered rate (webhooks/s)");
        for (int d = 0; d <= decades; d++) { // y axis: 1 ms, 10 ms, ... up to the highest p99
            double y = y(Math.pow(10, d), decades);
            out.append(text(PAD - 5, y + 4, "end", d < 3 ? f(Math.pow(10, d)) + " ms" : f(Math.pow(10, d - 3)) + " s"));
            out.append("<line x1=\"").append(PAD).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(W - 20)
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"#ddd\"/>\n");
        }
        for (Report.LatencyRow r : rows) {
            out.append(text(x(r.rate(), maxRate), H - PAD + 15, "middle", Integer.toString(r.rate())));
        }
        String[] names = { "store", "Shopify", "Klaviyo" };
        for (int sink = 0; sink < 3; sink++) {
            for (double q : new double[] { 0.5, 0.99 }) {
                StringBuilder points = new StringBuilder();
                for (Report.LatencyRow r : rows) {
                    Stats s = List.of(r.store(), r.shopify(), r.klaviyo()).get(sink);
                    points.append(f(x(r.rate(), maxRate))).append(',')
                            .append(f(y(Math.max(1, s.percentileMs(q)), decades))).append(' ');
                }
                out.append(line(COLORS[sink], q > 0.9, points));
            }
            out.append(text(W - 230, 45 + sink * 16, "start", names[sink] + " (p50 solid, p99 dashed)")
                    .replace("<text ", "<text fill=\"" + COLORS[sink] + "\" "));
        }
        return out.append("</svg>\n").toString();
    }

    /** Each sink's effects over the seconds since the burst's first send; dashed: when the last webhook was accepted. */
    static String drain(Report.BurstRow burst) {
        int seconds = 1;
        for (Report.SinkCatchUp s : burst.sinks()) {
            seconds = Math.max(seconds, s.cumulativePerSecond().length);
        }
        StringBuilder out = frame("Burst of " + burst.requests() + ": effects in each sink", "seconds since the first send");
        for (int tick = 0; tick <= 4; tick++) {
            double y = (H - PAD) - (H - PAD - 30) * tick / 4.0;
            out.append(text(PAD - 5, y + 4, "end", Long.toString(Math.round(burst.requests() * tick / 4.0))));
        }
        for (int tick = 0; tick <= 5; tick++) {
            out.append(text(x(seconds * tick / 5.0, seconds), H - PAD + 15, "middle", f(seconds * tick / 5.0)));
        }
        for (int sink = 0; sink < burst.sinks().size(); sink++) {
            Report.SinkCatchUp s = burst.sinks().get(sink);
            StringBuilder points = new StringBuilder(f(PAD) + "," + f(H - PAD) + " ");
            int[] c = s.cumulativePerSecond();
            for (int t = 0; t < c.length; t++) {
                points.append(f(x(t + 1, seconds))).append(',')
                        .append(f((H - PAD) - (H - PAD - 30) * (double) c[t] / Math.max(1, burst.requests()))).append(' ');
            }
            out.append(line(COLORS[sink % COLORS.length], false, points));
            out.append(text(W - 160, (H - PAD) - 20 - sink * 16, "start", s.sink())
                    .replace("<text ", "<text fill=\"" + COLORS[sink % COLORS.length] + "\" "));
        }
        double sent = x(burst.sendSeconds(), seconds);
        out.append("<line x1=\"").append(f(sent)).append("\" y1=\"30\" x2=\"").append(f(sent)).append("\" y2=\"")
                .append(H - PAD).append("\" stroke=\"gray\" stroke-dasharray=\"4,4\"/>\n");
        return out.append("</svg>\n").toString();
    }

    private static StringBuilder frame(String title, String xLabel) {
        StringBuilder out = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\""
                + H + "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        out.append(text(W / 2.0, 20, "middle", title));
        out.append("<line x1=\"").append(PAD).append("\" y1=\"").append(H - PAD).append("\" x2=\"").append(W - 20)
                .append("\" y2=\"").append(H - PAD).append("\" stroke=\"black\"/>\n");
        out.append("<line x1=\"").append(PAD).append("\" y1=\"30\" x2=\"").append(PAD).append("\" y2=\"").append(H - PAD)
                .append("\" stroke=\"black\"/>\n");
        return out.append(text(W / 2.0, H - 20, "middle", xLabel));
    }

    private static double x(double value, double max) {
        return PAD + (W - PAD - 20) * value / max;
    }

    private static double y(double ms, int decades) {
        return (H - PAD) - (H - PAD - 30) * Math.log10(ms) / Math.max(1, decades);
    }

    private static String text(double x, double y, String anchor, String text) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" text-anchor=\"" + anchor + "\">" + text + "</text>\n";
    }

    private static String line(String color, boolean dashed, CharSequence points) {
        return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\""
                + (dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"" + points + "\"/>\n";
    }
}
