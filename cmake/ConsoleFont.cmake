# The console font is not part of the repository: tools/psf-to-cpp turns a font that a Debian
# package ships (console-setup-linux's /usr/share/consolefonts) into C++ at build time.
set(GEHRI_CONSOLE_FONT /usr/share/consolefonts/Uni2-Terminus16.psf.gz CACHE FILEPATH
    "PSF1/PSF2 console font (optionally .gz) compiled into the kernel's text console")
if(NOT EXISTS ${GEHRI_CONSOLE_FONT})
    message(FATAL_ERROR "Console font ${GEHRI_CONSOLE_FONT} not found: install console-setup-linux (./gehri deps), or set GEHRI_CONSOLE_FONT")
endif()

# gehri_console_font(OUT_VAR SYMBOL FONT [FILE_NAME]): generates FILE_NAME.cpp (default:
# SYMBOL.cpp) defining `const gehri::console::BitmapFont SYMBOL` from FONT and returns its
# path in OUT_VAR. Two directories of one build that both want SYMBOL need two file names.
function(gehri_console_font out_var symbol font)
    set(tool ${PROJECT_SOURCE_DIR}/tools/psf-to-cpp)
    set(file_name ${symbol})
    if(ARGC GREATER 3)
        set(file_name ${ARGV3})
    endif()
    set(output ${CMAKE_BINARY_DIR}/generated/${file_name}.cpp)
    add_custom_command(
        OUTPUT ${output}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
        COMMAND python3 ${tool} ${font} ${output} ${symbol}
        DEPENDS ${tool} ${font}
        COMMENT "Generating the console font ${symbol} from ${font}")
    set(${out_var} ${output} PARENT_SCOPE)
endfunction()
