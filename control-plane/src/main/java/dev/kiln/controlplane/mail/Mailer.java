package dev.kiln.controlplane.mail;

import jakarta.inject.Singleton;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Sends plain-text mail over SMTP (Jakarta Mail). Callers send outside any database transaction: a slow server
 * must not hold a connection or lock.
 */
@Singleton
public class Mailer {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    private final SmtpConfig config;

    Mailer(SmtpConfig config) {
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * @throws MailFailedException when the server refuses the message or cannot be reached (the cause is logged,
     *                             the exception's message is for the caller: {@code failure} followed by why)
     */
    public void send(String to, String subject, String text, String failure) {
        try {
            MimeMessage message = new MimeMessage(session());
            message.setFrom(new InternetAddress(config.from()));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(text, StandardCharsets.UTF_8.name());
            Transport.send(message);
        } catch (MessagingException e) {
            LOG.warn("Sending mail to {} through {}:{} failed", to, config.host(), config.port(), e);
            throw new MailFailedException(failure + " The mail server did not take the message: " + e.getMessage());
        }
    }

    private Session session() {
        Properties props = new Properties();
        String timeout = Long.toString(config.timeout().toMillis());
        props.put("mail.smtp.host", config.host());
        props.put("mail.smtp.port", Integer.toString(config.port()));
        props.put("mail.smtp.connectiontimeout", timeout);
        props.put("mail.smtp.timeout", timeout);
        props.put("mail.smtp.writetimeout", timeout);
        props.put("mail.smtp.starttls.enable", Boolean.toString(config.starttls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(config.starttls()));
        boolean auth = config.user() != null && !config.user().isBlank();
        props.put("mail.smtp.auth", Boolean.toString(auth));
        if (!auth) {
            return Session.getInstance(props);
        }
        return Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(config.user(), config.password() == null ? "" : config.password());
            }
        });
    }
}
