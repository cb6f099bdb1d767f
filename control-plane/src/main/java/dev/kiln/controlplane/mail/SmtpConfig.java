package dev.kiln.controlplane.mail;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Outgoing mail (invitations, password resets). With no {@code host} nothing is sent and the API says
 * {@code delivery: "none"}.
 *
 * @param host     SMTP server (KILN_SMTP_HOST); blank turns mail off
 * @param port     its port (KILN_SMTP_PORT)
 * @param user     login, when the server wants one (KILN_SMTP_USER)
 * @param password its password (KILN_SMTP_PASSWORD)
 * @param from     the sender address (KILN_SMTP_FROM)
 * @param starttls upgrade the connection with STARTTLS and refuse to send without it (KILN_SMTP_STARTTLS)
 * @param timeout  connect, read and write timeout of one send
 */
@ConfigurationProperties("kiln.smtp")
public record SmtpConfig(@Nullable String host,
                         @Bindable(defaultValue = "25") int port,
                         @Nullable String user,
                         @Nullable String password,
                         @Bindable(defaultValue = "kiln@localhost") String from,
                         @Bindable(defaultValue = "false") boolean starttls,
                         @Bindable(defaultValue = "10s") Duration timeout) {

    public boolean enabled() {
        return host != null && !host.isBlank();
    }
}
