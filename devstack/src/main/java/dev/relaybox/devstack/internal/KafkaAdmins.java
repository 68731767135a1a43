package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStackException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Readiness and topic creation through the Kafka admin client, for any broker. */
final class KafkaAdmins {
  private KafkaAdmins() {}

  static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /** Waits until the broker answers {@code describeCluster}. */
  static void awaitReady(String bootstrapServers, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = admin(bootstrapServers)) {
      while (System.nanoTime() < deadline) {
        try {
          admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          last = e;
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DevStackException(
        "devstack: Kafka broker "
            + bootstrapServers
            + " did not answer within "
            + timeout
            + ": "
            + last,
        last);
  }

  /** Creates the topic; true if it exists now, false after a retriable error. */
  private static boolean created(Admin admin, String name, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return true;
      }
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }

  /** Whether every partition has a leader; false while the new topic's metadata propagates. */
  private static boolean hasLeaders(Admin admin, String name)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      var description =
          admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
      return description.partitions().stream().allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates a topic unless it exists, then waits until every partition has a leader. Retriable
   * errors (a broker that has just started and has no controller yet) are retried for 30 s.
   */
  static void createTopic(String bootstrapServers, String name, int partitions) {
    try (Admin admin = admin(bootstrapServers)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!created(admin, name, partitions)) {
        if (System.nanoTime() > deadline) {
          throw new DevStackException("devstack: topic " + name + " not created after 30 s");
        }
        Thread.sleep(100);
      }
      while (!hasLeaders(admin, name)) {
        if (System.nanoTime() > deadline) {
          throw new DevStackException("devstack: topic " + name + " has no leader after 30 s");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("devstack: interrupted creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DevStackException("devstack: cannot create topic " + name + ": " + e, e);
    }
  }
}
