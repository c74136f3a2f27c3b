using System.Buffers;
using System.Net;
using System.Net.Sockets;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Server;

/// <summary>The socket transport on its own.</summary>
public sealed class SocketTransportTests
{
    [Fact]
    public async Task AcceptedSocketsUseNoDelay()
    {
        var (server, client) = await ConnectedPairAsync();
        using (client)
        {
            await using var transport = new SocketTransport(server);
            Assert.True(server.NoDelay);
        }
    }

    [Fact]
    public async Task DisposingClosesTheSocketEvenWhenTheLastFlushFails()
    {
        var (server, client) = await ConnectedPairAsync();
        using (client)
        {
            var transport = new SocketTransport(server);
            server.Shutdown(SocketShutdown.Send);
            transport.Output.Write("221 2.0.0 bye\r\n"u8);

            await transport.DisposeAsync();

            Assert.Throws<ObjectDisposedException>(() => server.Available);
        }
    }

    [Fact]
    public async Task TheClosingReplyReachesAClientWhosePipelinedCommandsTheServerNeverRead()
    {
        // The client reads nothing until it has sent everything, through a small window: the replies, 221 last, are
        // still in the server's send queue when the session ends. Closing a socket with unread input makes the kernel
        // send RST and throw that queue away; the server must half-close and drain the input instead.
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await RawSmtpClient.ConnectAsync(server, receiveBufferSize: 4096);
        await client.ReadReplyAsync();
        await client.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 4_000)) + "QUIT\r\n" + string.Concat(Enumerable.Repeat("NOOP\r\n", 4_000)));
        var replies = await client.ReadToEndAsync();
        Assert.EndsWith("221 2.0.0 localhost closing connection\r\n", replies, StringComparison.Ordinal);
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await listener.AcceptAsync();
        return (server, client);
    }
}
