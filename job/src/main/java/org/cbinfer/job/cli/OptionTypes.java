package org.cbinfer.job.cli;

import java.util.function.Function;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.tensor.ImageTensors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How the commands' option values of the project's own types are read, in one place for every command: a wrong
 * value becomes picocli's {@code Invalid value for option '--size': expected WIDTHxHEIGHT ...} (exit code 2). The
 * engine's enums are read by their own {@code parse}, so that values and messages stay lower case as the user
 * types them.
 */
public final class OptionTypes {
    /** The {@code split} of list options ({@code --cameras 1,8,32}): commas, spaces around them allowed. */
    public static final String LIST = "\\s*,\\s*";

    private OptionTypes() {}

    /** Registers the converters with {@code cli} and the subcommands it has so far; returns {@code cli}. */
    public static CommandLine register(CommandLine cli) {
        return cli.registerConverter(ImageSize.class, converter(ImageSize::parse))
                .registerConverter(FrameRange.class, converter(FrameRange::parse))
                .registerConverter(ImageTensors.Scale.class, converter(OptionTypes::scale))
                .registerConverter(BackendBuilder.Kind.class, converter(BackendBuilder.Kind::parse))
                .registerConverter(Precision.class, converter(Precision::parse));
    }

    private static ImageTensors.Scale scale(String s) {
        try {
            return ImageTensors.Scale.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected pm1, unit or raw, got '" + s + "'");
        }
    }

    private static <T> ITypeConverter<T> converter(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }
}
