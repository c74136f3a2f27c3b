using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;

namespace NotificationService;

/// <summary>
/// Sends notifications through an SMTP server with MailKit. Transient refusals (4xx: greylisting, rate limits, a busy
/// server) are retried after a delay measured by the injected <see cref="TimeProvider"/>, so that tests can skip the
/// wait with a fake clock; permanent refusals (5xx) fail at once.
/// </summary>
public sealed class NotificationSender(NotificationSettings settings, TimeProvider timeProvider)
{
    public NotificationSender(NotificationSettings settings)
        : this(settings, TimeProvider.System)
    {
    }

    /// <summary>Raised when a delivery was deferred, once its retry is scheduled.</summary>
    public event EventHandler<DeliveryDeferredEventArgs>? Deferred;

    /// <summary>Sends a notification, retrying deferred deliveries; returns the server's final reply.</summary>
    /// <exception cref="NotificationDeliveryException">The server refused permanently, or deferred every attempt.</exception>
    public async Task<string> SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = Compose(notification);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode is >= 400 and < 500 && attempt < settings.Retry.MaxAttempts)
            {
                var delay = settings.Retry.DelayBefore(attempt + 1);

                // The timer is armed before anyone hears of the deferral, so a test that advances its fake clock
                // from the event cannot advance it too early.
                var wait = Task.Delay(delay, timeProvider, cancellationToken);
                Deferred?.Invoke(this, new DeliveryDeferredEventArgs(notification, attempt, (int)ex.StatusCode, ex.Message, delay, timeProvider.GetUtcNow() + delay));
                await wait.ConfigureAwait(false);
            }
            catch (SmtpCommandException ex)
            {
                var what = (int)ex.StatusCode >= 500 ? "refused" : "still deferred after the last attempt";
                throw new NotificationDeliveryException(
                    $"The notification to {notification.To} was {what}: {(int)ex.StatusCode} {ex.Message}", (int)ex.StatusCode, attempt, ex);
            }
        }
    }

    private MimeMessage Compose(Notification notification)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(MailboxAddress.Parse(notification.To));
        message.Subject = notification.Subject;
        var body = new BodyBuilder { TextBody = notification.TextBody, HtmlBody = notification.HtmlBody };
        foreach (var attachment in notification.Attachments)
        {
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        message.Body = body.ToMessageBody();
        if (settings.Dkim is { } dkim)
        {
            // Sign what will be sent: prepared for 7-bit transport first, so MailKit has nothing left to re-encode.
            message.Prepare(EncodingConstraint.SevenBit);
            using var key = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(dkim.PrivateKeyPem));
            var signer = new DkimSigner(key, dkim.Domain, dkim.Selector)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
            signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        }

        return message;
    }

    private async Task<string> DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        if (settings.ServerCertificateValidation is not null)
        {
            client.ServerCertificateValidationCallback = settings.ServerCertificateValidation;
        }

        var security = settings.Security switch
        {
            TransportSecurity.StartTls => SecureSocketOptions.StartTls,
            TransportSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(settings.Host, settings.Port, security, cancellationToken).ConfigureAwait(false);
        try
        {
            if (settings.UserName is not null)
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            return await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await QuitAsync(client).ConfigureAwait(false);
        }
    }

    /// <summary>Says QUIT if the connection is still up; the outcome of the delivery is already known either way.</summary>
    private static async Task QuitAsync(SmtpClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException)
        {
            // The server closed first (e.g. after 421): nothing left to say.
        }
    }
}
