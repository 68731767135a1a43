package dev.relaybox.devstack.peers.internal;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.peers.MailServer.Email;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every message GreenMail accepts over SMTP and files one copy into the sender account's
 * sent folder.
 *
 * <p>GreenMail has no per-message hook, only a per-recipient {@link MessageDeliveryHandler}: this
 * wraps the default handler and acts on the first recipient of each message (GreenMail delivers all
 * recipients of one message in one synchronized call, before SMTP answers 250).
 */
public final class SentCopies implements MessageDeliveryHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SentCopies.class);

  private final MessageDeliveryHandler delegate;
  private final MailFolder sentFolder;
  private final Set<MovingMessage> seen = Collections.newSetFromMap(new WeakHashMap<>());
  private final List<Email> messages = new ArrayList<>();

  private SentCopies(MessageDeliveryHandler delegate, MailFolder sentFolder) {
    this.delegate = delegate;
    this.sentFolder = sentFolder;
  }

  /** Creates the sender's sent folder and hooks into GreenMail's delivery. */
  public static SentCopies install(Managers managers, GreenMailUser sender, String folderName) {
    MailFolder folder;
    try {
      folder = managers.getImapHostManager().createMailbox(sender, folderName);
    } catch (Exception e) {
      throw new DevStackException(
          "mail peer: cannot create folder " + folderName + " for " + sender.getEmail(), e);
    }
    SentCopies copies =
        new SentCopies(managers.getUserManager().getMessageDeliveryHandler(), folder);
    managers.getUserManager().setMessageDeliveryHandler(copies);
    return copies;
  }

  public synchronized List<Email> messages() {
    return List.copyOf(messages);
  }

  @Override
  public synchronized GreenMailUser handle(MovingMessage message, MailAddress recipient)
      throws MessagingException, UserException {
    if (seen.add(message)) {
      MimeMessage mime = message.getMessage();
      Email email =
          new Email(
              mime.getMessageID(),
              join(mime.getFrom()),
              message.getToAddresses().stream()
                  .map(address -> address.getEmail().toLowerCase(Locale.ROOT))
                  .toList(),
              mime.getSubject(),
              text(mime),
              Instant.now());
      try {
        sentFolder.store(new MimeMessage(mime));
      } catch (Exception e) {
        throw new MessagingException("cannot file the sent copy of " + email.messageId(), e);
      }
      messages.add(email);
      LOG.debug(
          "peer=mail messageId={} to={} subject={}",
          email.messageId(),
          email.to(),
          email.subject());
    }
    return delegate.handle(message, recipient);
  }

  private static String join(Address[] addresses) {
    return addresses == null
        ? null
        : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
  }

  private static String text(Part part) throws MessagingException {
    try {
      if (part.isMimeType("text/*")) {
        return String.valueOf(part.getContent());
      }
      if (part.getContent() instanceof Multipart multipart) {
        for (int i = 0; i < multipart.getCount(); i++) {
          String text = text(multipart.getBodyPart(i));
          if (text != null) {
            return text;
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new MessagingException("cannot read the message body", e);
    }
  }
}
