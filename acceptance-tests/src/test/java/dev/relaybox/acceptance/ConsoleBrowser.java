package dev.relaybox.acceptance;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian's {@code chromium} driven through its {@code chromedriver}, both
 * installed by {@code .ci/run}) with a fresh profile, for the console's browser tests; saves
 * screenshots under {@code docs/console/} for the README.
 */
final class ConsoleBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;
  private final URI base;

  private ConsoleBrowser(ChromeDriver driver, Path profile, URI base) {
    this.driver = driver;
    this.profile = profile;
    this.base = base;
  }

  /** A browser on the console at {@code base}. */
  static ConsoleBrowser open(URI base) throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "the browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium,"
              + " /usr/bin/chromedriver): apt-get install chromium chromium-driver, as .ci/run"
              + " does");
    }
    Path profile = Files.createTempDirectory("relaybox-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // Without the networking flags Chromium's background connections are refused on this network.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1440,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new ConsoleBrowser(driver, profile, base);
  }

  /** Loads the console page at {@code path} (e.g. {@code /trace?q=...}). */
  ConsoleBrowser go(String path) {
    driver.get(base.resolve(path).toString());
    return this;
  }

  /** The element for {@code css} on the current page. */
  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Clicks {@code css} (a link or submit button) and waits until the next page has loaded. */
  ConsoleBrowser clickAndWait(String css) {
    WebElement page = driver.findElement(By.tagName("html"));
    driver.findElement(By.cssSelector(css)).click();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              try {
                page.isDisplayed();
                return false;
              } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return "complete".equals(script("return document.readyState;"));
              }
            });
    return this;
  }

  /**
   * Waits until {@code condition} holds (the pages refresh themselves, the pipeline settles); on
   * timeout fails with the page's path and text.
   */
  void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    try {
      org.awaitility.Awaitility.await(what).atMost(Pipelines.DEADLINE).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(what + ", but " + currentPath() + " shows:\n" + text(), e);
    }
  }

  /** Whether the current page has an element for {@code css}. */
  boolean has(String css) {
    return (Boolean) script("return document.querySelector(arguments[0]) !== null;", css);
  }

  /** The current page's visible text. */
  String text() {
    // read in one script: the live regions replace their elements every few seconds
    return (String) script("return document.body.innerText;");
  }

  /** The number in {@code data-value} of the element {@code [data-metric=metric]}. */
  long metric(String metric) {
    Object value =
        script(
            "var e = document.querySelector(\"[data-metric='\" + arguments[0] + \"']\");"
                + " return e === null ? null : e.getAttribute('data-value');",
            metric);
    if (value == null) {
      throw new IllegalStateException("no [data-metric=" + metric + "] on " + currentPath());
    }
    return Long.parseLong(value.toString());
  }

  String title() {
    return driver.getTitle();
  }

  String currentPath() {
    return URI.create(driver.getCurrentUrl()).getPath();
  }

  /** Runs {@code script} in the page (async: its last argument is the callback). */
  Object async(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Runs {@code script} in the page. */
  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * Saves the whole page as {@code target/console-screenshots/<name>.png}, or as the README's
   * {@code docs/console/<name>.png} with {@code -Drelaybox.screenshots.update=true} (so a plain
   * {@code verify} leaves the working tree clean): the window grows to the page's height first, so
   * the screenshot shows all of it.
   */
  void screenshot(String name) throws IOException {
    long height = ((Number) script("return document.documentElement.scrollHeight;")).longValue();
    driver.manage().window().setSize(new Dimension(1440, (int) Math.min(4000, height + 20)));
    Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
    Path dir =
        Boolean.getBoolean("relaybox.screenshots.update")
            ? docs()
            : Path.of("target", "console-screenshots");
    Path target = dir.resolve(name + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
    driver.manage().window().setSize(new Dimension(1440, 1000));
  }

  /** {@code docs/console} of the project (tests run in the acceptance-tests directory). */
  private static Path docs() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docs/ directory above " + Path.of("").toAbsolutePath());
    }
    return dir.resolve("docs").resolve("console");
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
