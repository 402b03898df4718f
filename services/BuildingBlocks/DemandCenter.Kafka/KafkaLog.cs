using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Kafka;

/// <summary>librdkafka's own log lines go through the host's logging (levels, filters, sinks) instead of raw stderr.</summary>
internal static class KafkaLog
{
    public static void Write(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        logger.Log(level, "librdkafka {Client} {Facility}: {Message}", message.Name, message.Facility, message.Message);
    }
}
