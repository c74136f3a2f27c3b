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
