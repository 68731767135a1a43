package dev.relaybox.acceptance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the compiled main classes of every module: product modules
 * never reach into the example application, the dev distribution or the test infrastructure; no
 * module uses another module's {@code internal} package; the example application uses public APIs
 * only.
 */
class ArchitectureTest {

  /** The product: what relaybox.jar ships, and the Spring Boot starter. */
  private static final String[] PRODUCT = {
    "dev.relaybox.config..",
    "dev.relaybox.schemas..",
    "dev.relaybox.outbox..",
    "dev.relaybox.relay..",
    "dev.relaybox.consumers..",
    "dev.relaybox.console..",
    "dev.relaybox.spring..",
    "dev.relaybox.runtime.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // Other modules arrive as jars (or target/classes); their test jars are left out.
    ImportOption mainOnly =
        location ->
            !location.contains("/test-classes/")
                && !location.contains("-tests.jar")
                && !location.contains("/acceptance-tests/");
    classes = new ClassFileImporter().withImportOption(mainOnly).importPackages("dev.relaybox");
  }

  @Test
  void everyModulesMainClassesAreChecked() {
    for (String name :
        new String[] {
          "dev.relaybox.config.Setting",
          "dev.relaybox.relay.RelayConfig",
          "dev.relaybox.consumers.host.ServiceHost",
          "dev.relaybox.console.Console",
          "dev.relaybox.runtime.RelayboxCli",
          "dev.relaybox.examples.orders.OrderService",
          "dev.relaybox.spring.RelayboxAutoConfiguration",
          "dev.relaybox.examples.springorders.OrderPlacement",
          "dev.relaybox.dev.DemoPipeline"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  @Test
  void theProductNeverDependsOnTheDemoTheDevDistributionOrTestInfrastructure() {
    noClasses()
        .that()
        .resideInAnyPackage(PRODUCT)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.relaybox.examples..",
            "dev.relaybox.dev..",
            "dev.relaybox.devstack..",
            "org.junit..",
            "org.testcontainers..",
            "io.zonky..",
            "kafka.server..",
            "com.icegreen..")
        .because("relaybox.jar must run in production without the dev stack or the demo")
        .check(classes);
  }

  @Test
  void noModuleUsesAnotherModulesInternals() {
    noClasses().should(useAnotherModulesInternals()).check(classes);
  }

  @Test
  void theExampleApplicationUsesPublicApisOnly() {
    noClasses()
        .that()
        .resideInAPackage("dev.relaybox.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.relaybox.config.internal..",
            "dev.relaybox.schemas..internal..",
            "dev.relaybox.outbox.internal..",
            "dev.relaybox.relay..",
            "dev.relaybox.consumers.internal..",
            "dev.relaybox.consumers.host.internal..",
            "dev.relaybox.spring.internal..",
            "dev.relaybox.runtime..",
            "dev.relaybox.dev..",
            "dev.relaybox.devstack..")
        .because("the example is what a user writes: public APIs, no relay, no dev stack")
        .check(classes);
  }

  /** The module of a class: the package segment after {@code dev.relaybox.}. */
  private static String module(JavaClass c) {
    String[] parts = c.getPackageName().split("\\.");
    return parts.length > 2 ? parts[2] : "";
  }

  private static ArchCondition<JavaClass> useAnotherModulesInternals() {
    return new ArchCondition<>("use another module's internal package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        origin.getDirectDependenciesFromSelf().stream()
            .map(d -> d.getTargetClass())
            .filter(t -> t.getPackageName().startsWith("dev.relaybox."))
            .filter(t -> t.getPackageName().contains(".internal"))
            .filter(t -> !module(t).equals(module(origin)))
            .distinct()
            .forEach(
                t ->
                    events.add(
                        SimpleConditionEvent.violated(
                            origin, origin.getName() + " uses " + t.getName())));
      }
    };
  }
}
