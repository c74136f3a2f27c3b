using System.Net.Sockets;

namespace SmtpFixture.Tests.Tls;

public sealed class ImplicitTlsTests
{
    [Fact]
    public async Task TheGreetingComesOnlyAfterTheHandshake()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.StartTlsAsync(server.Certificate!);
        Assert.StartsWith("220 localhost ESMTP", await client.ReadReplyAsync());
        Assert.DoesNotContain("STARTTLS", await client.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task AClientThatNeverSendsAClientHelloIsClosedAfterTheIdleTimeout()
    {
        var time = new ObservableTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.Implicit;
            o.IdleTimeout = TimeSpan.FromMinutes(7);
            o.TimeProvider = time;
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        await time.WhenArmedFor(TimeSpan.FromMinutes(7));
        time.Advance(TimeSpan.FromMinutes(7));

        // The server gives up on the handshake and closes the connection without a word.
        var buffer = new byte[16];
        try
        {
            Assert.Equal(0, await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (IOException)
        {
            // Closed with a reset: also closed.
        }

        await server.DisposeAsync();
        var refusal = Assert.Single(server.Attempts.SelectMany(a => a.Refusals));
        Assert.Equal(SmtpStage.Connect, refusal.Stage);
        Assert.Equal("<TLS handshake>", refusal.Command);
    }

    [Fact]
    public async Task ShutdownSays421OverTls()
    {
        var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.StartTlsAsync(server.Certificate!);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await server.DisposeAsync();
        Assert.StartsWith("421 4.3.2", await client.ReadToEndAsync());
    }
}
