package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process "dies" between the provider accepting a message and the commit of its row: a real
 * database trigger fails the {@code emails} insert (SQLState 40001, transient) until the test lifts
 * it. The retry asks the provider over IMAP, finds the Message-ID in Sent and does not send again.
 * Then SMTP refuses connections for a while: retried, sent once when it is back.
 */
@ExtendWith(DevStackExtension.class)
class SendOnceIT {

  @Test
  void aFailedCommitAfterSendingDoesNotSendTwiceAndAnSmtpOutageIsRetried(DevStack stack)
      throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(stack, b -> b.put("consumer.max.attempts", "100"))) {
      pipeline.startServices();
      String s = pipeline.schema();
      pipeline.execute("CREATE TABLE " + s + ".email_fault (on_ boolean)");
      pipeline.execute("INSERT INTO " + s + ".email_fault VALUES (true)");
      pipeline.execute(
          "CREATE FUNCTION "
              + s
              + ".fail_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF EXISTS (SELECT 1 FROM "
              + s
              + ".email_fault) THEN"
              + " RAISE EXCEPTION 'injected failure after send' USING ERRCODE = '40001';"
              + " END IF; RETURN NEW; END $$");
      pipeline.execute(
          "CREATE TRIGGER fail_email BEFORE INSERT ON "
              + s
              + ".emails FOR EACH ROW EXECUTE FUNCTION "
              + s
              + ".fail_email()");

      UUID order = pipeline.placeOrder("carol", "SKU-" + pipeline.id(), 1_500);
      await()
          .atMost(Pipelines.DEADLINE)
          .until(() -> pipeline.thirdParties().emails(order).size() == 1);
      String messageId = pipeline.thirdParties().emails(order).get(0).messageId();
      assertThat(messageId).matches("<[0-9a-f-]{36}@relaybox>");
      pipeline.execute("DELETE FROM " + s + ".email_fault");
      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () ->
                  pipeline.count(
                          "SELECT count(*) FROM "
                              + s
                              + ".emails WHERE outcome = 'ALREADY_SENT' AND message_id = '"
                              + messageId
                              + "'")
                      == 1);
      assertThat(stack.peers().mail().messagesWithId(messageId)).hasSize(1);

      var mail = stack.peers().mail();
      double retriedBefore = retried(pipeline);
      mail.refuseSmtp();
      UUID later;
      try {
        later = pipeline.placeOrder("dave", "SKU-" + pipeline.id(), 1_500);
        await().atMost(Pipelines.DEADLINE).until(() -> retried(pipeline) >= retriedBefore + 2);
        assertThat(pipeline.thirdParties().emails(later)).isEmpty();
      } finally {
        mail.acceptSmtp();
      }
      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () ->
                  pipeline.count(
                          "SELECT count(*) FROM "
                              + s
                              + ".emails WHERE outcome = 'SENT' AND order_id = '"
                              + later
                              + "'")
                      == 1);
      assertThat(pipeline.thirdParties().emails(later)).hasSize(1);
    }
  }

  private static double retried(DemoPipeline pipeline) {
    return pipeline
        .services()
        .meterRegistry()
        .find(ConsumerMetrics.RETRIED)
        .tag("group", pipeline.group("email"))
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
