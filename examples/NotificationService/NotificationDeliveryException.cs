namespace NotificationService;

/// <summary>A notification could not be delivered: refused permanently (5xx), or still deferred after the last attempt.</summary>
public sealed class NotificationDeliveryException : Exception
{
    public NotificationDeliveryException(string message, int statusCode, int attempts, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Attempts = attempts;
    }

    public NotificationDeliveryException()
    {
    }

    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The SMTP reply code of the last refusal.</summary>
    public int StatusCode { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    /// <summary>Whether the server refused for good (5xx), so that retrying would not help.</summary>
    public bool IsPermanent => StatusCode >= 500;
}
