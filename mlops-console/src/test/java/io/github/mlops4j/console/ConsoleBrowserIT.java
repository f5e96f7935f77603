package io.github.mlops4j.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver (both installed by the module's build when missing; nothing is downloaded). Every
 * page loads without a browser console error (a blocked inline style or script would be one, under
 * the console's Content-Security-Policy); screenshots of the main pages go to {@code
 * target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
  static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  @TempDir static Path dir;
  private ConsoleWorkspace ws;
  private ConsoleServer server;
  private ChromeDriver driver;

  @BeforeAll
  void start() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "The browser tests need Debian's chromium and chromium-driver ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "): apt-get install chromium chromium-driver (the build installs them when it runs as root)");
    }
    ws = ConsoleWorkspace.fill(dir);
    server = ConsoleServer.builder().workspace(ws.workspace).port(0).start();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // the tests run as root in CI containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--no-first-run",
        "--disable-extensions");
    LoggingPrefs.browserAll(options);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Loads a page and checks that the browser logged no error while loading it. */
  private void open(String page) {
    driver.get(server.url() + page);
    assertThat(driver.findElement(By.tagName("h1")).isDisplayed()).as(page).isTrue();
    assertNoConsoleErrors(page);
  }

  private void assertNoConsoleErrors(String page) {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add(e.getLevel() + " " + e.getMessage());
      }
    }
    assertThat(errors).as("browser console on " + page).isEmpty();
  }

  private void screenshot(String name) throws IOException {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  private List<String> runNames() {
    return driver.findElements(By.cssSelector("#runs a.run-link")).stream()
        .map(WebElement::getText)
        .toList();
  }

  @Test
  void everyPageLoadsWithoutAConsoleError() throws IOException {
    Map<String, String> pages =
        Map.of(
            "runs", "runs?experiment=churn",
            "run", "run?id=" + ws.runA,
            "compare", "compare?run=" + ws.runA + "&run=" + ws.runB,
            "models", "models",
            "model", "model?name=churn",
            "features", "features",
            "drift", "drift");
    for (Map.Entry<String, String> p : new java.util.TreeMap<>(pages).entrySet()) {
      open(p.getValue());
      screenshot(p.getKey());
    }
    open("run?id=" + ws.runA + "&axis=time");
    open("runs?view=all");
    // the stored HTML report, in its sandbox
    driver.get(server.url() + "drift");
    driver.findElement(By.linkText("HTML report")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.tagName("svg")));
    assertNoConsoleErrors("drift-report");
  }

  @Test
  void typingAFilterShowsTheMatchingRuns() {
    open("runs");
    assertThat(runNames()).contains("tree-depth-4", "forest-100", "fraud-baseline");
    WebElement box = driver.findElement(By.id("filter"));
    box.clear();
    box.sendKeys("params.model = 'forest'", Keys.ENTER);
    waiting().until(ExpectedConditions.urlContains("filter="));
    assertThat(runNames()).containsExactly("forest-100");
    assertThat(driver.findElement(By.id("filter")).getAttribute("value"))
        .isEqualTo("params.model = 'forest'");
    assertNoConsoleErrors("filtered runs");
  }

  @Test
  void aBadFilterShowsItsErrorPosition() throws IOException {
    open("runs");
    String filter = "metrics.loss <> 3";
    WebElement box = driver.findElement(By.id("filter"));
    box.clear();
    box.sendKeys(filter, Keys.ENTER);
    WebElement error =
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("filter-error")));
    int position = Integer.parseInt(driver.findElement(By.id("filter-error-position")).getText());
    assertThat(filter.substring(position)).startsWith("<>");
    assertThat(error.getText()).contains("metrics.loss <> 3").contains("^");
    assertThat(driver.findElement(By.id("filter")).getAttribute("aria-invalid")).isEqualTo("true");
    screenshot("runs-bad-filter");
    assertNoConsoleErrors("bad filter");
  }

  @Test
  void comparingTwoRunsShowsBothSeries() {
    open("runs?experiment=churn");
    for (String id : List.of(ws.runA, ws.runB)) {
      driver.findElement(By.cssSelector("input[name='run'][value='" + id + "']")).click();
    }
    driver.findElement(By.xpath("//button[text()='Compare selected runs']")).click();
    waiting().until(ExpectedConditions.urlContains("compare?"));
    assertNoConsoleErrors("compare");
    WebElement loss =
        driver.findElements(By.cssSelector("figure.chart")).stream()
            .filter(
                f -> f.findElement(By.tagName("title")).getAttribute("textContent").equals("loss"))
            .findFirst()
            .orElseThrow();
    List<WebElement> series = loss.findElements(By.cssSelector("g.series"));
    assertThat(series).hasSize(2);
    assertThat(series.stream().map(s -> s.getAttribute("data-label")))
        .anySatisfy(l -> assertThat(l).startsWith("tree-depth-4"))
        .anySatisfy(l -> assertThat(l).startsWith("forest-100"));
    for (WebElement s : series) {
      assertThat(s.findElements(By.tagName("path"))).isNotEmpty();
    }
    // not colour alone: the second series is dashed and has other markers; the legend names both
    assertThat(series.get(0).findElement(By.tagName("path")).getAttribute("stroke-dasharray"))
        .isNull();
    assertThat(series.get(1).findElement(By.tagName("path")).getAttribute("stroke-dasharray"))
        .isEqualTo(Svg.DASHES[1]);
    assertThat(series.get(0).findElements(By.tagName("circle"))).isNotEmpty();
    assertThat(series.get(1).findElements(By.tagName("rect"))).isNotEmpty();
    String legend = loss.findElement(By.cssSelector("ul.legend")).getText();
    assertThat(legend)
        .contains("circle " + series.get(0).getAttribute("data-label"))
        .contains("square " + series.get(1).getAttribute("data-label"));
    assertThat(driver.findElement(By.cssSelector("#params tr.differs")).getText())
        .contains("model");
  }

  @Test
  void theModelPageShowsTheAliasMoveFromTheAuditTrail() {
    open("models");
    driver.findElement(By.linkText("churn")).click();
    waiting().until(ExpectedConditions.urlContains("model?name=churn"));
    assertNoConsoleErrors("model");
    WebElement move =
        driver.findElements(By.cssSelector("#audit-trail tbody tr")).stream()
            .filter(r -> r.getText().contains(ConsoleWorkspace.MOVE_COMMENT))
            .findFirst()
            .orElseThrow();
    assertThat(move.findElement(By.className("change")).getText()).isEqualTo("@champion: v1 → v2");
    assertThat(move.findElement(By.className("actor")).getText()).isEqualTo(ConsoleWorkspace.ACTOR);
    assertThat(driver.findElement(By.id("aliases")).isDisplayed()).isTrue();
  }

  @Test
  void hostileNamesStayText() {
    open("run?id=" + ws.hostileRun);
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo("Run " + ConsoleWorkspace.HOSTILE);
    assertThat(driver.findElements(By.cssSelector("main img, main script, main b"))).isEmpty();
    try {
      driver.switchTo().alert();
      fail("a script of a run name ran");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
    open("runs?experiment=churn");
    assertThat(runNames()).contains(ConsoleWorkspace.HOSTILE);
  }

  @Test
  void theKeyboardReachesTheSearchBoxAndTheLinks() {
    open("runs?experiment=churn");
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      WebElement active = driver.switchTo().activeElement();
      String id = active.getAttribute("id");
      String cls = active.getAttribute("class");
      reached.add(
          active.getTagName()
              + (id == null || id.isEmpty() ? "" : "#" + id)
              + (cls == null || cls.isEmpty() ? "" : "." + cls)
              + ":"
              + active.getText());
      if (reached.get(i).startsWith("a.run-link")) {
        break;
      }
    }
    assertThat(reached.get(0)).startsWith("a.skip");
    assertThat(reached).anySatisfy(s -> assertThat(s).startsWith("a:Models"));
    assertThat(reached).anySatisfy(s -> assertThat(s).startsWith("input#filter"));
    assertThat(reached).anySatisfy(s -> assertThat(s).startsWith("a.run-link"));
    // the skip link moves focus to the main content
    open("runs?experiment=churn");
    new Actions(driver).sendKeys(Keys.TAB).sendKeys(Keys.ENTER).perform();
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
  }
}
