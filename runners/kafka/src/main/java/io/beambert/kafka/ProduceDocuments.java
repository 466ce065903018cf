package io.beambert.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a corpus (one sentence per line, a blank line between documents) to a Kafka topic, one
 * message per document, and waits until the broker has acknowledged every message.
 *
 * <pre>{@code
 * java -cp 'kafka-lib/*:beambert-kafka-broker.jar' io.beambert.kafka.ProduceDocuments \
 *     127.0.0.1:9092 abstracts corpus.txt [--perSecond=N]
 * }</pre>
 *
 * <p>Without a file it reads standard input. {@code --perSecond=N} spaces the messages out (a
 * live feed); by default they go as fast as the broker takes them. Prints the number sent.
 */
public final class ProduceDocuments {
  private ProduceDocuments() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> positional = new ArrayList<>();
    double perSecond = 0;
    for (String a : args) {
      if (a.startsWith("--perSecond=")) {
        perSecond = Double.parseDouble(a.substring("--perSecond=".length()));
      } else {
        positional.add(a);
      }
    }
    if (positional.size() < 2 || positional.size() > 3) {
      System.err.println("usage: ProduceDocuments BOOTSTRAP TOPIC [FILE] [--perSecond=N]");
      System.exit(2);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, positional.get(0));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    String topic = positional.get(1);
    long sent = 0;
    List<Future<RecordMetadata>> pending = new ArrayList<>();
    try (BufferedReader in =
            positional.size() == 3
                ? Files.newBufferedReader(Paths.get(positional.get(2)), StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      StringBuilder doc = new StringBuilder();
      long start = System.nanoTime();
      for (String line = in.readLine(); ; line = in.readLine()) {
        if (line == null || line.strip().isEmpty()) {
          if (doc.length() > 0) {
            if (perSecond > 0) {
              long due = start + (long) (sent * 1e9 / perSecond);
              long wait = due - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
            }
            pending.add(producer.send(new ProducerRecord<>(topic, doc.toString())));
            sent++;
            doc.setLength(0);
          }
          if (line == null) {
            break;
          }
        } else {
          doc.append(line).append('\n');
        }
      }
      producer.flush();
      for (Future<RecordMetadata> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      System.err.println("ProduceDocuments: the broker refused a message: " + e.getCause());
      System.exit(1);
    }
    System.out.println(sent);
  }
}
