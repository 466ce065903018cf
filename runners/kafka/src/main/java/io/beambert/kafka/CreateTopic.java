package io.beambert.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates a topic (replication 1) unless it exists.
 *
 * <pre>{@code
 * java -cp 'kafka-lib/*:beambert-kafka-broker.jar' io.beambert.kafka.CreateTopic 127.0.0.1:9092 abstracts 2
 * }</pre>
 */
public final class CreateTopic {
  private CreateTopic() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: CreateTopic BOOTSTRAP TOPIC [PARTITIONS]");
      System.exit(2);
    }
    int partitions = args.length == 3 ? Integer.parseInt(args[2]) : 1;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
      admin.createTopics(List.of(new NewTopic(args[1], partitions, (short) 1))).all().get();
      System.out.println("created topic " + args[1] + " with " + partitions + " partition(s)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        System.out.println("topic " + args[1] + " exists");
        return;
      }
      System.err.println("CreateTopic: " + e.getCause());
      System.exit(1);
    }
  }
}
