# CTest driver (cmake -P, no shell): run gehri-audit-sample, check gehri-audit-verify accepts its
# capture, then tamper with copies and check the verifier names the right line and exits 1.
# Inputs: -DVERIFY=... -DSAMPLE=... -DWORK=dir
file(MAKE_DIRECTORY ${WORK})
set(sample ${WORK}/sample.log)

execute_process(COMMAND ${SAMPLE} ${sample} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "gehri-audit-sample failed (${status})")
endif()

function(expect_verdict file expected_status pattern)
    execute_process(COMMAND ${VERIFY} ${file} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL ${expected_status} OR NOT "${out}${err}" MATCHES "${pattern}")
        message(FATAL_ERROR "gehri-audit-verify ${file}: exit ${status} (wanted ${expected_status}), output:\n${out}${err}\nwanted it to match: ${pattern}")
    endif()
    message(STATUS "ok: ${out}${err}")
endfunction()

# 1-based line number of the first occurrence of needle.
function(line_of content needle out_var)
    string(FIND "${content}" "${needle}" position)
    if(position LESS 0)
        message(FATAL_ERROR "sample has no '${needle}'")
    endif()
    string(SUBSTRING "${content}" 0 ${position} before)
    string(REGEX REPLACE "[^\n]" "" newlines "${before}")
    string(LENGTH "${newlines}" count)
    math(EXPR line "${count} + 1")
    set(${out_var} ${line} PARENT_SCOPE)
endfunction()

expect_verdict(${sample} 0 "intact: [0-9]+ records.*Gap record")

file(READ ${sample} content)

# One byte of one field: "lease":17 -> "lease":18 in the record that grants lease 17.
line_of("${content}" "\"lease\":17," line)
string(REPLACE "\"lease\":17," "\"lease\":18," altered "${content}")
file(WRITE ${WORK}/altered.log "${altered}")
expect_verdict(${WORK}/altered.log 1 "altered.log:${line}: record seq [0-9]+: altered")

# The last audit line cut short.
string(FIND "${content}" "AUDIT " last_record REVERSE)
math(EXPR cut "${last_record} + 40")
string(SUBSTRING "${content}" 0 ${cut} truncated)
string(REGEX REPLACE "[^\n]" "" newlines "${truncated}")
string(LENGTH "${newlines}" last_line)
math(EXPR last_line "${last_line} + 1")
file(WRITE ${WORK}/truncated.log "${truncated}")
expect_verdict(${WORK}/truncated.log 1 "truncated.log:${last_line}: truncated: the last record is cut off")

# A missing record: drop the line that grants lease 17.
string(REGEX REPLACE "AUDIT [^\n]*\"lease\":17,[^\n]*\n" "" missing "${content}")
file(WRITE ${WORK}/missing.log "${missing}")
expect_verdict(${WORK}/missing.log 1 "missing.log:${line}: record seq [0-9]+: missing record")
