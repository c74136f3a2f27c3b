using SmtpFixture.Xunit;

namespace NotificationService.Tests;

internal static class Settings
{
    /// <summary>Points the service at the fixture's server, over plain SMTP.</summary>
    public static NotificationSettings For(SmtpServerFixture smtp) =>
        new() { Host = smtp.Host, Port = smtp.Port, Security = TransportSecurity.None };
}
