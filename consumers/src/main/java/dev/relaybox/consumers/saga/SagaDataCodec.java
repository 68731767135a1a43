package dev.relaybox.consumers.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns a saga's data into the bytes of the saga table's {@code data} column and back.
 *
 * @param <D> the saga's data
 */
public interface SagaDataCodec<D> {

  /** The stored form of {@code data}. */
  byte[] encode(D data);

  /** The data of {@code bytes}, as {@link #encode} wrote them. */
  D decode(byte[] bytes);

  /** UTF-8 JSON with a shared Jackson mapper: records and beans with a default constructor. */
  static <D> SagaDataCodec<D> json(Class<D> type) {
    ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    return new SagaDataCodec<>() {
      @Override
      public byte[] encode(D data) {
        try {
          return mapper.writeValueAsBytes(data);
        } catch (IOException e) {
          throw new UncheckedIOException("saga data of type " + type.getName(), e);
        }
      }

      @Override
      public D decode(byte[] bytes) {
        try {
          return mapper.readValue(bytes, type);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "saga data is not a " + type.getName() + ": fix the codec or the row", e);
        }
      }
    };
  }

  /** The bytes as they are. */
  static SagaDataCodec<byte[]> bytes() {
    return new SagaDataCodec<>() {
      @Override
      public byte[] encode(byte[] data) {
        return data.clone();
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes.clone();
      }
    };
  }
}
