# Everything under kernel/ except the architecture, the boot glue, the freestanding
# runtime and the in-kernel tests is portable C++: it builds into the kernel and, unchanged,
# into the host unit tests. Adding a file to a portable folder is all it takes.
function(gehri_portable_sources out_var root)
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${root}/kernel/*.cpp")
    list(FILTER sources EXCLUDE REGEX "/kernel/(arch|init|runtime|tests)/")
    set(${out_var} ${sources} PARENT_SCOPE)
endfunction()

# User-space code that touches no CPU and no system call (the manifest parser, ...) is
# portable the same way: everything under user/ outside an arch/ or runtime/ folder. It is
# not part of the kernel; the host build tests it.
function(gehri_user_portable_sources out_var root)
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${root}/user/*.cpp")
    list(FILTER sources EXCLUDE REGEX "/user/(.*/)?(arch|runtime)/")
    set(${out_var} ${sources} PARENT_SCOPE)
endfunction()
