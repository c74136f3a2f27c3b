using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace SmtpFixture.Tests.Server;

/// <summary>Starting: where the server listens, and that it accepts as soon as StartAsync returns.</summary>
public sealed class StartStopTests
{
    [Fact]
    public async Task DefaultsToLoopbackAndAnEphemeralPort()
    {
        // Safe unless told otherwise: not reachable from other machines.
        Assert.Equal(IPAddress.Loopback, new SmtpTestServerOptions().Address);
        await using var server = await SmtpTestServer.StartAsync();
        Assert.Equal("127.0.0.1", server.Host);
        Assert.NotEqual(0, server.Port);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, server.Port), server.EndPoint);
        Assert.Equal($"127.0.0.1:{server.Port}", server.ToString());
    }

    [Fact]
    public async Task AcceptsConnectionsAsSoonAsStartReturns()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.ServerName = "ready.test");
        using var client = await RawSmtpClient.ConnectAsync(server);
        Assert.Equal("220 ready.test ESMTP SmtpFixture ready", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task ListensOnAGivenPort()
    {
        // A port known to be free: the one a disposed server had (it is released at once).
        var probe = await SmtpTestServer.StartAsync();
        var port = probe.Port;
        await probe.DisposeAsync();

        await using var server = await SmtpTestServer.StartAsync(o => o.Port = port);
        Assert.Equal(port, server.Port);
        using var client = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task StartingOnAPortInUseThrows()
    {
        await using var first = await SmtpTestServer.StartAsync();
        await Assert.ThrowsAsync<IOException>(() => SmtpTestServer.StartAsync(o => o.Port = first.Port));
    }

    [IPv6LoopbackFact]
    public async Task ListensOnIPv6Loopback()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Address = IPAddress.IPv6Loopback);
        Assert.Equal("::1", server.Host);
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(MailKitLoopbackTests.NewMessage("over IPv6"));
            await client.DisconnectAsync(true);
        }

        var message = await server.WaitForMessageAsync();
        Assert.Equal("over IPv6", message.Subject);
        Assert.Equal(IPAddress.IPv6Loopback, message.Session.RemoteAddress);
    }

    [Fact]
    public async Task InvalidOptionsAreRejectedAtStart()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SmtpTestServer.StartAsync(o => o.MaxRecipients = 0));
        await Assert.ThrowsAsync<ArgumentException>(() => SmtpTestServer.StartAsync(o => o.ServerName = "two words"));
    }

    /// <summary>A fact that is skipped when the operating system has no IPv6 loopback.</summary>
    private sealed class IPv6LoopbackFactAttribute : FactAttribute
    {
        public IPv6LoopbackFactAttribute()
        {
            if (!HasIPv6Loopback())
            {
                Skip = "The operating system has no IPv6 loopback.";
            }
        }

        private static bool HasIPv6Loopback()
        {
            if (!Socket.OSSupportsIPv6)
            {
                return false;
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
