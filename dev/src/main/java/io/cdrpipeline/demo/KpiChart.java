package io.cdrpipeline.demo;

import io.cdrpipeline.kpi.KpiTable;
import io.cdrpipeline.schema.KpiCell;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * ASR and ACD per destination, as a PNG, from published {@code cdr.kpi} cells (JFreeChart): two bar
 * plots over one axis of destinations, each labelled with its attempts.
 */
public final class KpiChart {

    private KpiChart() {
    }

    /** Writes the chart of {@code cells} (one window: published cells only; the suppressed marker is left out). */
    public static void write(List<KpiCell> cells, String title, Path png) throws IOException {
        DefaultCategoryDataset asr = new DefaultCategoryDataset();
        DefaultCategoryDataset acd = new DefaultCategoryDataset();
        for (KpiCell c : cells) {
            if (c.getSuppressed() != null) {
                continue;
            }
            String destination = KpiTable.destination(c) + " (" + c.getAttempts() + ")";
            asr.addValue(c.getAsr(), "ASR %", destination);
            acd.addValue(c.getAcd(), "ACD s", destination);
        }
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("destination (attempts)"));
        plot.add(bars(asr, "ASR %", new Color(0x3b, 0x7d, 0xd8)), 1);
        plot.add(bars(acd, "ACD s", new Color(0xe0, 0x8a, 0x2c)), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 960, 560);
    }

    private static CategoryPlot bars(DefaultCategoryDataset data, String axis, Color colour) {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, colour);
        CategoryPlot plot = new CategoryPlot(data, null, new NumberAxis(axis), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
