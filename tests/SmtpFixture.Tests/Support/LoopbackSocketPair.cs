using System.Net;
using System.Net.Sockets;

namespace SmtpFixture.Tests.Support;

/// <summary>A loopback connection with small buffers on both sides, so that a large send blocks.</summary>
internal sealed class LoopbackSocketPair : IDisposable
{
    private LoopbackSocketPair(Socket client, Socket server) => (Client, Server) = (client, server);

    public Socket Client { get; }

    public Socket Server { get; }

    public static LoopbackSocketPair Open()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.SendBufferSize = 4096;
        return new LoopbackSocketPair(client, server);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
