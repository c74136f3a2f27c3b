using Microsoft.Extensions.Logging;

namespace SmtpFixture;

/// <summary>Log messages with stable event ids, so that users can filter on them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SMTP server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "SMTP server on {EndPoint} stopped")]
    public static partial void Stopped(ILogger logger, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "[{SessionId}] connected from {RemoteEndPoint}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, System.Net.EndPoint remoteEndPoint);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "[{SessionId}] closed")]
    public static partial void SessionEnded(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "[{SessionId}] refused at connect: {Limit} sessions already open")]
    public static partial void SessionLimitReached(ILogger logger, string sessionId, int limit);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "[{SessionId}] connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "[{SessionId}] session failed")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "[{SessionId}] C: {Line}")]
    public static partial void ClientLine(ILogger logger, string sessionId, string line);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "[{SessionId}] S: {Reply}")]
    public static partial void ServerReply(ILogger logger, string sessionId, string reply);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "[{SessionId}] C: <{Length} octets of message content>")]
    public static partial void ClientContent(ILogger logger, string sessionId, long length);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "[{SessionId}] accepted message {MessageId} {Envelope} ({Size} octets)")]
    public static partial void MessageAccepted(ILogger logger, string sessionId, string messageId, SmtpEnvelope envelope, int size);

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "[{SessionId}] policy {Policy} threw at {Stage}; answered 451 4.3.0")]
    public static partial void PolicyFailed(ILogger logger, string sessionId, string policy, SmtpStage stage, Exception exception);

    /// <summary>
    /// Runs a log call made while handling a failure. A user's logger that throws there must not turn one handled
    /// failure into a faulted session (or a faulted server disposal): the exception is dropped.
    /// </summary>
    public static void WhileHandlingFailure<TState>(Action<TState> log, TState state)
    {
        try
        {
            log(state);
        }
#pragma warning disable CA1031 // Any exception from the user's logger: there is nowhere left to report it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
