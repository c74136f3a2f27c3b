using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SmtpFixture.Tests.Server;

/// <summary>Where the server listens, and what a client is told to connect to.</summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task BoundToAllInterfacesTheHostIsLoopbackAndAClientCanUseIt()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Address = IPAddress.Any);

        Assert.Equal("127.0.0.1", server.Host);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, server.Port), server.EndPoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, server.Port), server.BoundEndPoint);
        Assert.Equal($"127.0.0.1:{server.Port}", server.ToString());
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(new MimeMessage([MailboxAddress.Parse("a@example.com")], [MailboxAddress.Parse("b@example.com")], "any", new TextPart("plain") { Text = "Hi" }));
            await client.DisconnectAsync(true);
        }

        Assert.Equal("any", (await server.WaitForMessageAsync()).Subject);
    }

    [Fact]
    public async Task BoundToOneAddressBothEndPointsAreThatAddress()
    {
        await using var server = await SmtpTestServer.StartAsync();

        Assert.Equal(server.EndPoint, server.BoundEndPoint);
        Assert.Equal(IPAddress.Loopback, server.BoundEndPoint.Address);
    }

    [Fact]
    public async Task AFixedPortInUseNamesTheEndPointAndSuggestsPortZero()
    {
        await using var first = await SmtpTestServer.StartAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => SmtpTestServer.StartAsync(o => o.Port = first.Port));

        Assert.Equal(
            $"The SMTP server cannot listen on 127.0.0.1:{first.Port}: the port is already in use (AddressAlreadyInUse). "
            + "Use port 0 (the default) to let the operating system choose a free port, and read it from SmtpTestServer.Port.",
            error.Message);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task AnAddressOfAnotherMachineIsNamedAsSuch()
    {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to this machine.
        var error = await Assert.ThrowsAsync<IOException>(() => SmtpTestServer.StartAsync(o => o.Address = IPAddress.Parse("192.0.2.1")));

        Assert.StartsWith("The SMTP server cannot listen on 192.0.2.1:0: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(AddressNotAvailable). The address does not belong to this machine; 127.0.0.1 (the default) always does.", error.Message, StringComparison.Ordinal);
    }
}
