using SmtpFixture;

namespace NotificationService.Tests;

/// <summary>One SMTP server shared by the tests of a class (class fixture) or of a collection (collection fixture).</summary>
public sealed class MailServerFixture : IAsyncLifetime
{
    private SmtpTestServer? _server;

    public SmtpTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Settings that point the service at this server, over plain SMTP.</summary>
    public NotificationSettings Settings => new() { Host = Server.Host, Port = Server.Port, Security = TransportSecurity.None };

    public async Task InitializeAsync() => _server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
