using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace SmtpFixture.Tests.Server;

/// <summary>Disposal: connected clients are told 421 4.3.2, sessions end (bounded) and the port is free again.</summary>
public sealed class DisposalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DisposingWithAnIdleClientEndsAndTheClientSees421()
    {
        var server = await SmtpTestServer.StartAsync();
        using var client = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.Equal("421 4.3.2 Service shutting down, closing transmission channel\r\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task PortCanBeBoundAgainRightAfterDisposal()
    {
        var server = await SmtpTestServer.StartAsync();
        var endPoint = server.EndPoint;
        using (var client = await RawSmtpClient.ConnectAsync(server))
        {
            await client.ReadReplyAsync();
            await server.DisposeAsync().AsTask().WaitAsync(Bound);
            await client.ReadToEndAsync();
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen();
        Assert.Equal(endPoint.Port, ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    [Fact]
    public async Task ANewServerCanStartOnThePortOfADisposedOne()
    {
        var first = await SmtpTestServer.StartAsync();
        var port = first.Port;
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(first.Host, port, SecureSocketOptions.None);
            await client.SendAsync(MailKitLoopbackTests.NewMessage("first"));
            await first.DisposeAsync().AsTask().WaitAsync(Bound);
        }

        await using var second = await SmtpTestServer.StartAsync(o => o.Port = port);
        Assert.Equal(port, second.Port);
        using var again = new SmtpClient();
        await again.ConnectAsync(second.Host, second.Port, SecureSocketOptions.None);
        await again.SendAsync(MailKitLoopbackTests.NewMessage("second"));
        await again.DisconnectAsync(true);
        Assert.Equal("second", (await second.WaitForMessageAsync()).Subject);
    }

    [Fact]
    public async Task DisposingInTheMiddleOfDataAbortsTheTransaction()
    {
        var server = await SmtpTestServer.StartAsync();
        using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<b@example.com>");
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: unfinished\r\n");

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.StartsWith("421 4.3.2", await client.ReadToEndAsync());
        Assert.Empty(server.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(server.Attempts).Outcome);
    }

    [Fact]
    public async Task DisposeAsyncIsIdempotent()
    {
        var server = await SmtpTestServer.StartAsync();
        await server.DisposeAsync();
        await server.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task DisposingWithManyConnectedClientsEnds()
    {
        var server = await SmtpTestServer.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RawSmtpClient.ConnectAsync(server)));
        foreach (var client in clients)
        {
            await client.ReadReplyAsync();
        }

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        foreach (var client in clients)
        {
            Assert.StartsWith("421 4.3.2", await client.ReadToEndAsync());
            client.Dispose();
        }
    }
}
