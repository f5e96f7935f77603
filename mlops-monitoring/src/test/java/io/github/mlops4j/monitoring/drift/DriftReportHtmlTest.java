package io.github.mlops4j.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report: self-contained, escaped, with every column, method, threshold and an SVG
 * histogram. Set {@code -Dmlops4j.drift.html=/tmp/report.html} to keep a copy to look at.
 */
class DriftReportHtmlTest {
  static final String ODD_NAME = "<script>alert('x')</script> & \"name\"";

  /**
   * A mixed, seeded data set: shifted, stable, new-category, binary, missing and constant columns.
   */
  static DriftReport mixedReport(DriftPreset preset) {
    SplittableRandom rnd = new SplittableRandom(42);
    int n = 2000;
    int m = 1500;
    double[] ageRef = new double[n];
    double[] ageCur = new double[m];
    double[] incomeRef = new double[n];
    double[] incomeCur = new double[m];
    String[] cityRef = new String[n];
    String[] cityCur = new String[m];
    Boolean[] churnRef = new Boolean[n];
    Boolean[] churnCur = new Boolean[m];
    double[] odd = new double[n];
    double[] oddCur = new double[m];
    double[] constRef = new double[n];
    double[] constCur = new double[m];
    String[] cities = {"Oslo", "Rome", "Lima", "Pune"};
    for (int i = 0; i < n; i++) {
      ageRef[i] = 40 + 10 * gaussian(rnd);
      incomeRef[i] = Math.exp(10 + 0.5 * gaussian(rnd));
      cityRef[i] = cities[rnd.nextInt(3)];
      churnRef[i] = rnd.nextDouble() < 0.2;
      odd[i] = rnd.nextDouble();
      constRef[i] = 1;
    }
    for (int i = 0; i < m; i++) {
      ageCur[i] = 46 + 10 * gaussian(rnd); // shifted by 0.6 sd
      incomeCur[i] = rnd.nextDouble() < 0.1 ? Double.NaN : Math.exp(10 + 0.5 * gaussian(rnd));
      cityCur[i] = rnd.nextDouble() < 0.15 ? "Pune" : cities[rnd.nextInt(3)];
      churnCur[i] =
          rnd.nextDouble() < 0.21 ? Boolean.TRUE : rnd.nextDouble() < 0.02 ? null : Boolean.FALSE;
      oddCur[i] = rnd.nextDouble();
      constCur[i] = 1;
    }
    Frame ref =
        Frame.builder()
            .numeric("age", ageRef)
            .numeric("income", incomeRef)
            .categorical("city", cityRef)
            .bool("churned", churnRef)
            .numeric(ODD_NAME, odd)
            .numeric("constant", constRef)
            .build();
    Frame cur =
        Frame.builder()
            .numeric("age", ageCur)
            .numeric("income", incomeCur)
            .categorical("city", cityCur)
            .bool("churned", churnCur)
            .numeric(ODD_NAME, oddCur)
            .numeric("constant", constCur)
            .build();
    return DriftDetector.builder(ref)
        .preset(preset)
        .clock(DriftTestData.CLOCK)
        .build()
        .compare(cur);
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller; deterministic for a seeded generator.
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()))
        * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  @Test
  void html_isSelfContainedAndMentionsEveryColumn(@TempDir Path dir) throws IOException {
    DriftReport report = mixedReport(DriftPreset.EVIDENTLY);
    String html = report.toHtml();
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").endsWith("</html>\n");
    for (ColumnDrift c : report.columns()) {
      assertThat(html).contains(ReportHtml.escape(c.column()));
      assertThat(html).contains("<code>" + c.method() + "</code>");
      assertThat(html).contains(ReportHtml.rule(c));
    }
    assertThat(html).contains("score \u2265 0.1");
    assertThat(report.columns())
        .extracting(ColumnDrift::method)
        .contains("wasserstein_normed", "jensenshannon");
    // One histogram per column.
    assertThat(count(html, "<svg ")).isEqualTo(report.columns().size());
    // No scripts, no external resources: only the SVG namespace URI looks like a URL.
    assertThat(html.toLowerCase())
        .doesNotContain("<script")
        .doesNotContain("javascript:")
        .doesNotContain(" src=")
        .doesNotContain("@import")
        .doesNotContain("url(")
        .doesNotContain("<link")
        .doesNotContain("<img")
        .doesNotContain("<iframe");
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContain("http:")
        .doesNotContain("https:");
    // The odd column name is escaped wherever it appears.
    assertThat(html)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;name&quot;")
        .doesNotContain(ODD_NAME);
    assertThat(html)
        .contains(report.datasetDrift() ? "Dataset drift detected" : "No dataset drift")
        .contains("new category")
        .contains("(missing)")
        .contains("reference and current are constant");
    Path file = dir.resolve("report.html");
    report.writeHtml(file);
    assertThat(Files.readString(file)).isEqualTo(html);
    String keep = System.getProperty("mlops4j.drift.html");
    if (keep != null) {
      report.writeHtml(Path.of(keep));
      mixedReport(DriftPreset.PRODUCTION)
          .writeHtml(Path.of(keep.replace(".html", "-production.html")));
    }
  }

  @Test
  void escape_coversHtmlSpecialCharacters() {
    assertThat(ReportHtml.escape("a<b>&\"c\"'d'\u0001"))
        .isEqualTo("a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; ");
  }

  @Test
  void niceCeiling() {
    assertThat(ReportHtml.niceCeiling(0.3)).isEqualTo(0.5);
    assertThat(ReportHtml.niceCeiling(0.2)).isEqualTo(0.2);
    assertThat(ReportHtml.niceCeiling(0.07)).isEqualTo(0.1);
    assertThat(ReportHtml.niceCeiling(0.9)).isEqualTo(1.0);
    assertThat(ReportHtml.niceCeiling(0)).isEqualTo(0.1);
  }

  private static int count(String s, String part) {
    Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(s);
    int c = 0;
    while (matcher.find()) {
      c++;
    }
    return c;
  }
}
