using System.IO.Pipelines;

namespace SmtpFixture.Transport;

/// <summary>The byte streams a session runs over: a socket (maybe upgraded to TLS) or an in-memory pipe in tests.</summary>
internal interface ISmtpTransport : IAsyncDisposable
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>Closes the connection at once, without flushing (a dropped connection).</summary>
    void Abort();
}
