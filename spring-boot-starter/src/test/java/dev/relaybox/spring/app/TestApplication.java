package dev.relaybox.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the starter's integration tests boot: a desk that places orders, listeners. */
@SpringBootApplication
public class TestApplication {}
